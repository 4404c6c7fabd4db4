import type {CompiledGraph} from '../model.js'
import {toDot} from './dot.js'
import {toJsonText} from './json.js'
import {toMermaid} from './mermaid.js'

export const FORMATS = ['dot', 'mermaid', 'json'] as const
export type DrawFormat = (typeof FORMATS)[number]

export function draw(graph: CompiledGraph, format: DrawFormat): string {
  return format === 'dot' ? toDot(graph) : format === 'mermaid' ? toMermaid(graph) : toJsonText(graph)
}


