// The Responses API as a service: a request becomes a chat call through the gateway (the same routing, limits,
// fallbacks and metering as /chat/completions), its answer a response object or a translator for its stream, and
// stored responses are read and deleted within the tenant.
import { NotFoundError } from '../../../errors/shuttle-error.js';
import type { CallContext, Gateway } from '../../gateway.js';
import type { ChatCompletion } from '../../openai-wire.js';
import type { ChatStreamResult } from '../../providers/provider.js';
import type { RouteTarget } from '../../routing/router.js';
import { newResponseId } from './ids.js';
import { chatParamsOf, inputItemsOf } from './request.js';
import { type ResponseHeader, responseFromCompletion } from './response.js';
import type { ResponseStore } from './response-store.js';
import { ResponseStreamTranslator } from './stream.js';
import type { Response, ResponseCreateParams } from './wire.js';

interface Served {
  target: RouteTarget;
  /** The model the provider says served (x-shuttle-model). */
  model: string;
}

export type CreatedResponse =
  | (Served & { stream: false; response: Response })
  | (Served & {
      stream: true;
      result: ChatStreamResult;
      translator: ResponseStreamTranslator;
      /** Stores the finished response, if it is to be stored; awaited before the stream's last event. */
      keep(response: Response): Promise<void>;
    });

export class ResponsesService {
  constructor(
    private readonly gateway: Gateway,
    private readonly store: ResponseStore,
  ) {}

  async create(params: ResponseCreateParams, ctx: CallContext): Promise<CreatedResponse> {
    const tenantId = ctx.tenant.tenantId;
    const conversation = await this.store.conversation(tenantId, params.previous_response_id, inputItemsOf(params));
    const { result, target } = await this.gateway.chat(chatParamsOf(params, conversation), ctx);
    const header: ResponseHeader = {
      id: newResponseId(),
      createdAt: Math.floor(Date.now() / 1000),
      params,
      // A tenant that keeps no bodies (retention 0) has nothing stored, whatever the request asked.
      store: params.store !== false && ctx.tenant.runRetentionDays > 0,
    };
    // Written before the answer's last byte (a bounded wait: see ResponseStore.save), so that the client's next
    // request finds it on any instance.
    const keep = async (response: Response): Promise<void> => {
      if (header.store) await this.store.save({ id: header.id, tenantId, input: conversation, response, createdAt: Date.now() });
    };
    if (result.stream) {
      const translator = new ResponseStreamTranslator(header, result.model);
      return { stream: true, target, model: result.model, result, translator, keep };
    }
    const response = responseFromCompletion(header, JSON.parse(result.body) as ChatCompletion, ctx.meter.usage);
    await keep(response);
    return { stream: false, target, model: result.model, response };
  }

  async get(tenantId: string, id: string): Promise<Response> {
    const stored = await this.store.find(tenantId, id);
    if (stored === undefined) throw new NotFoundError(`No stored response "${id}".`);
    return stored.response;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.store.delete(tenantId, id))) throw new NotFoundError(`No stored response "${id}".`);
  }
}
