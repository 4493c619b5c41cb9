// How a tool of a given type is called. The tool loop looks the executor up by the tool's type; a type without one
// gives the model an error text (its calls fail, the run goes on).
import type { CallContext } from '../../gateway/gateway.js';
import type { ToolType } from './tool-definition.js';
import type { StoredTool } from './tool-library.js';

export type { StoredTool } from './tool-library.js';

/** A call that failed in a way the model should read (and may recover from): its message becomes the tool result. */
export class ToolCallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolCallError';
  }
}

export interface ToolCallContext {
  tenantId: string;
  /** The environment of the run: an http tool's URL for it, an agent's active version in it. */
  environment: string;
  /**
   * The run's call context: model calls made by a tool (an agent's) go through the same pipeline and meter. Absent
   * only when a tool that makes no model call (http, mcp) is tested alone.
   */
  call?: CallContext | undefined;
  /** How deep in agents this run is: 0 for a run started by a client, 1 for an agent it called, … */
  depth: number;
  /** Fires when the run is abandoned (the client went away). */
  signal: AbortSignal;
  /** Runs `work` when no other model call of the run is in progress (a request meters one call at a time). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

export interface ToolExecutor {
  /** Runs one call; resolves to the text the model reads; rejects with ToolCallError (message shown to the model). */
  call(tool: StoredTool, args: Record<string, unknown>, ctx: ToolCallContext): Promise<string>;
}

/** The executors by tool type; the lead wires `mcp` from the MCP servers' service. */
export class ToolExecutors {
  private readonly byType = new Map<ToolType, ToolExecutor>();

  register(type: ToolType, executor: ToolExecutor): this {
    this.byType.set(type, executor);
    return this;
  }

  for(type: ToolType): ToolExecutor | undefined {
    return this.byType.get(type);
  }
}
