// Tells every instance to forget something it cached (a revoked key, a changed user): in-process alone, or across
// instances through Redis pub/sub when REDIS_URL is set. Handlers run on this instance at once, and on the others
// as soon as Redis delivers (well under a second). Redis going away loses nothing for good: a message that could not
// be sent is sent again once it can, and an instance whose subscription was cut forgets all it cached when the
// subscription is back, since it may have missed messages meanwhile; cache TTLs bound staleness during the outage.
import type { Logger } from 'pino';
import { randomBase62 } from '../store/ids.js';
import { closeRedis, connectRedis, type Redis } from './redis.js';

export type InvalidationTopic = 'api-key' | 'user' | 'tenant-config' | 'customer';
export type InvalidationHandler = (value: string) => void;

export interface InvalidationBus {
  subscribe(topic: InvalidationTopic, handler: InvalidationHandler): void;
  /** Runs `handler` whenever this instance may have missed messages: a cache then forgets everything it holds. */
  onResync(handler: () => void): void;
  /** Delivers here at once, then to the other instances; never fails (what cannot be sent yet is sent later). */
  publish(topic: InvalidationTopic, value: string): Promise<void>;
  close(): Promise<void>;
}

export class LocalInvalidationBus implements InvalidationBus {
  private readonly handlers = new Map<InvalidationTopic, InvalidationHandler[]>();
  private readonly resyncHandlers: Array<() => void> = [];

  subscribe(topic: InvalidationTopic, handler: InvalidationHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.push(handler);
  }

  async publish(topic: InvalidationTopic, value: string): Promise<void> {
    this.deliver(topic, value);
  }

  deliver(topic: InvalidationTopic, value: string): void {
    for (const handler of this.handlers.get(topic) ?? []) handler(value);
  }

  resync(): void {
    for (const handler of this.resyncHandlers) handler();
  }

  async close(): Promise<void> {}
}

export interface RedisInvalidationBusOptions {
  prefix?: string;
  /** How long one publish or subscribe may wait for Redis before it is tried again later. */
  timeoutMs?: number;
  /** How long publish() waits for Redis to take a message before it returns anyway (the message still goes out). */
  publishWaitMs?: number;
  logger?: Logger;
}

/** How often messages not yet sent are tried again, and a failed subscription made again. */
const RETRY_MS = 1000;
/** Beyond this many unsent messages the oldest are dropped: cache TTLs still bound how long they are missed. */
const MAX_UNSENT = 10_000;

export class RedisInvalidationBus implements InvalidationBus {
  private readonly local = new LocalInvalidationBus();
  private readonly instanceId = randomBase62(12);
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly channel: string;
  private readonly logger: Logger | undefined;
  private readonly publishWaitMs: number;
  /** Publishes not yet answered: close() waits for them, so that a CLI command's message goes out. */
  private readonly sending = new Set<Promise<void>>();
  /** Messages Redis did not take, by topic and value (a second one for the same thing adds nothing). */
  private readonly unsent = new Map<string, [InvalidationTopic, string]>();
  private readonly retries = new Map<'send' | 'subscribe', NodeJS.Timeout>();
  private closed = false;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private failReady!: (error: Error) => void;

  constructor(url: string, options: RedisInvalidationBusOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 5000;
    this.channel = `${options.prefix ?? 'shuttle:'}invalidate`;
    this.logger = options.logger;
    this.publishWaitMs = options.publishWaitMs ?? timeoutMs;
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // A short-lived user (a CLI command) may close the bus before the subscription is made, which rejects it: that
    // must not be an unhandled rejection, which ends the process. whenReady() still sees it.
    this.ready.catch(() => undefined);
    this.publisher = connectRedis(url, 'publisher', { timeoutMs, queueWhileDisconnected: true, logger: options.logger });
    this.subscriber = connectRedis(url, 'subscriber', {
      timeoutMs,
      queueWhileDisconnected: true,
      logger: options.logger,
      resubscribesItself: true,
    });
    this.subscriber.on('message', (_channel: string, message: string) => {
      const [origin, topic, value] = JSON.parse(message) as [string, InvalidationTopic, string];
      if (origin !== this.instanceId) this.local.deliver(topic, value);
    });
    // On every (re)connection: subscribe, then forget what was cached, which may have missed messages while the
    // subscription was down — in that order, so that nothing published in between is missed either.
    this.subscriber.on('ready', () => void this.resubscribe());
    this.publisher.on('ready', () => void this.sendUnsent());
  }

  /** Resolves once this instance receives invalidations from the others. */
  async whenReady(): Promise<void> {
    await this.ready;
  }

  subscribe(topic: InvalidationTopic, handler: InvalidationHandler): void {
    this.local.subscribe(topic, handler);
  }

  onResync(handler: () => void): void {
    this.local.onResync(handler);
  }

  async publish(topic: InvalidationTopic, value: string): Promise<void> {
    this.local.deliver(topic, value);
    const sent = this.send(topic, value).then(
      () => undefined,
      (error: unknown) => this.keepUnsent(topic, value, error),
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sent, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.publishWaitMs)))]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.failReady(new Error('invalidation bus closed'));
    // Messages still on their way (a CLI command's, sent while connecting) are waited for, at most the command
    // timeout; those already refused are tried once more only if Redis is there.
    await Promise.all(this.sending);
    if (this.unsent.size > 0 && this.publisher.status === 'ready') await this.sendUnsent();
    this.subscriber.disconnect();
    await closeRedis(this.publisher);
  }

  private send(topic: InvalidationTopic, value: string): Promise<number> {
    return this.publisher.publish(this.channel, JSON.stringify([this.instanceId, topic, value]));
  }

  private keepUnsent(topic: InvalidationTopic, value: string, error: unknown): void {
    if (this.unsent.size === 0) this.logger?.warn({ err: error }, 'invalidation not published to Redis; it will be sent again');
    const id = `${topic}\u0000${value}`;
    this.unsent.delete(id);
    this.unsent.set(id, [topic, value]);
    if (this.unsent.size > MAX_UNSENT) this.unsent.delete(this.unsent.keys().next().value as string);
    this.retryLater('send', () => this.sendUnsent());
  }

  private async sendUnsent(): Promise<void> {
    for (const [id, [topic, value]] of this.unsent) {
      try {
        await this.send(topic, value);
        this.unsent.delete(id);
      } catch {
        this.retryLater('send', () => this.sendUnsent());
        return;
      }
    }
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.logger?.warn({ err: error }, 'invalidation channel not subscribed; trying again');
      if (this.subscriber.status === 'ready') this.retryLater('subscribe', () => this.resubscribe());
      return;
    }
    this.local.resync();
    this.markReady();
  }

  private retryLater(what: 'send' | 'subscribe', retry: () => Promise<void>): void {
    if (this.closed || this.retries.has(what)) return;
    const timer = setTimeout(() => {
      this.retries.delete(what);
      void retry();
    }, RETRY_MS);
    timer.unref();
    this.retries.set(what, timer);
  }
}
