// `rayts dashboard`: a live web page of the runs in the store (docs/dashboard.md).
export {startDashboard, type Dashboard, type DashboardOptions} from './server.js'
export {isLoopbackHost} from './security.js'
