// Tells every instance to forget something it cached (a revoked key, a changed user): in-process alone, or across
// instances through Redis pub/sub when REDIS_URL is set. Handlers run on this instance at once, and on the others
// as soon as Redis delivers (well under a second); cache TTLs bound staleness should a message be lost.
import type { Logger } from 'pino';
import { randomBase62 } from '../store/ids.js';
import { connectRedis, type Redis } from './redis.js';

export type InvalidationTopic = 'api-key' | 'user' | 'tenant-config' | 'customer';
export type InvalidationHandler = (value: string) => void;

export interface InvalidationBus {
  subscribe(topic: InvalidationTopic, handler: InvalidationHandler): void;
  publish(topic: InvalidationTopic, value: string): Promise<void>;
  close(): Promise<void>;
}

export class LocalInvalidationBus implements InvalidationBus {
  private readonly handlers = new Map<InvalidationTopic, InvalidationHandler[]>();

  subscribe(topic: InvalidationTopic, handler: InvalidationHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async publish(topic: InvalidationTopic, value: string): Promise<void> {
    this.deliver(topic, value);
  }

  deliver(topic: InvalidationTopic, value: string): void {
    for (const handler of this.handlers.get(topic) ?? []) handler(value);
  }

  async close(): Promise<void> {}
}

export class RedisInvalidationBus implements InvalidationBus {
  private readonly local = new LocalInvalidationBus();
  private readonly instanceId = randomBase62(12);
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly ready: Promise<unknown>;
  private readonly channel: string;

  constructor(url: string, prefix = 'shuttle:', logger?: Logger) {
    this.channel = `${prefix}invalidate`;
    this.publisher = connectRedis(url, 'publisher', logger);
    this.subscriber = connectRedis(url, 'subscriber', logger);
    this.subscriber.on('message', (_channel: string, message: string) => {
      const [origin, topic, value] = JSON.parse(message) as [string, InvalidationTopic, string];
      if (origin !== this.instanceId) this.local.deliver(topic, value);
    });
    this.ready = this.subscriber.subscribe(this.channel);
    // A short-lived user (a CLI command) may close the bus before the subscription is made, which rejects it: that
    // must not be an unhandled rejection, which ends the process. whenReady() still sees it.
    this.ready.catch(() => undefined);
  }

  /** Resolves once this instance receives invalidations from the others. */
  async whenReady(): Promise<void> {
    await this.ready;
  }

  subscribe(topic: InvalidationTopic, handler: InvalidationHandler): void {
    this.local.subscribe(topic, handler);
  }

  async publish(topic: InvalidationTopic, value: string): Promise<void> {
    this.local.deliver(topic, value);
    await this.publisher.publish(this.channel, JSON.stringify([this.instanceId, topic, value]));
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }
}
