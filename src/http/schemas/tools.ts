// A tool of the library as the API shows it (GET /tools, an MCP server's import): the fields of its type, an http
// tool's header names but never their values.
import { z } from 'zod';
import { TOOL_TYPES } from '../../flows/tools/tool-definition.js';
import type { StoredTool } from '../../flows/tools/tool-library.js';
import { isoDateTime, toIso } from './common.js';

export const toolView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    type: z.enum(TOOL_TYPES),
    parameters: z.record(z.string(), z.unknown()),
    headers: z.array(z.string()).optional().describe('An http tool’s header names; their values are never returned'),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .catchall(z.unknown())
  .describe('A tool, with the fields of its type');

export const toolToView = (tool: StoredTool) => ({
  ...tool.config,
  id: tool.id,
  name: tool.name,
  description: tool.description,
  type: tool.type,
  parameters: tool.parameters,
  ...(tool.type === 'http' ? { headers: tool.headerNames } : {}),
  createdAt: toIso(tool.createdAt),
  updatedAt: toIso(tool.updatedAt),
});
