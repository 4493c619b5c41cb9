// Runs one tool once, outside any flow: the dashboard's and the API's "test" of a tool. Its arguments are checked
// against its parameters first (a 400); what the tool answers, or the error it fails with, is the result (never a
// 5xx). Limits of the pipeline (cost, rate, availability) that an agent or critique tool meets stay HTTP errors.
import { InvalidRequestError, ShuttleError } from '../../errors/shuttle-error.js';
import { compileSchema } from '../structured-output.js';
import { type ToolCallContext, ToolCallError, type ToolExecutors } from './tool-executor.js';
import type { StoredTool } from './tool-library.js';

/** A test answers at most this much of the result (the model would read all of it, up to the tool's own cap). */
export const TEST_RESULT_CHARS = 65_536;

export interface ToolTestResult {
  status: 'succeeded' | 'failed';
  result: string;
  /** Whether `result` was cut to TEST_RESULT_CHARS. */
  truncated: boolean;
  latencyMs: number;
}

/** Tool types whose calls are model calls: a test of one is a metered request. */
export function callsModels(tool: StoredTool): boolean {
  return tool.type === 'agent' || tool.type === 'critique';
}

export class ToolTester {
  constructor(private readonly executors: ToolExecutors) {}

  /** 400 when the arguments do not satisfy the tool's parameters, or the tool cannot run alone. */
  check(tool: StoredTool, args: Record<string, unknown>): void {
    if (tool.type === 'virtual') {
      throw new InvalidRequestError('A provider-native tool runs inside its provider’s model call: it cannot be tested alone.');
    }
    const validate = compileSchema(tool.parameters);
    if (!validate(args)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}`).join('; ');
      throw new InvalidRequestError(`The arguments do not match the tool's parameters: ${problems}.`, 'arguments');
    }
  }

  async run(tool: StoredTool, args: Record<string, unknown>, ctx: Omit<ToolCallContext, 'exclusive'>): Promise<ToolTestResult> {
    this.check(tool, args);
    const executor = this.executors.for(tool.type);
    if (!executor) throw new InvalidRequestError(`Tools of type "${tool.type}" cannot be called by this gateway.`);
    let lock: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const turn = lock.then(work, work);
      lock = turn.catch(() => undefined);
      return turn;
    };
    const started = performance.now();
    const done = (status: ToolTestResult['status'], text: string): ToolTestResult => ({
      status,
      result: text.slice(0, TEST_RESULT_CHARS),
      truncated: text.length > TEST_RESULT_CHARS,
      latencyMs: Math.round(performance.now() - started),
    });
    try {
      return done('succeeded', await executor.call(tool, args, { ...ctx, exclusive }));
    } catch (error) {
      if (error instanceof ShuttleError && [402, 429, 503].includes(error.status)) throw error;
      if (error instanceof ToolCallError || error instanceof ShuttleError) return done('failed', error.message);
      return done('failed', 'the tool failed unexpectedly');
    }
  }
}
