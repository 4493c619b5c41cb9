import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const privateNetworks = (value?: string) =>
  loadConfig({ DATABASE_URL: 'sqlite::memory:', ...(value === undefined ? {} : { SHUTTLE_ALLOW_PRIVATE_NETWORKS: value }) })
    .privateNetworks;

describe('SHUTTLE_ALLOW_PRIVATE_NETWORKS', () => {
  it('allows no private network unless set', () => {
    for (const value of [undefined, '', 'false', ' ']) expect(privateNetworks(value)).toEqual({ all: false, hosts: [], subnets: [] });
  });

  it('takes true, or a list of host names, addresses and CIDRs', () => {
    expect(privateNetworks('true').all).toBe(true);
    expect(privateNetworks('Ollama.Internal., 10.0.0.0/8,192.168.1.20, fd00::/8,[::1], vllm')).toEqual({
      all: false,
      hosts: ['ollama.internal', 'vllm'],
      subnets: [
        { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
        { address: '192.168.1.20', prefix: 32, family: 'ipv4' },
        { address: 'fd00::', prefix: 8, family: 'ipv6' },
        { address: '::1', prefix: 128, family: 'ipv6' },
      ],
    });
  });

  it('stops start-up naming the entries it cannot read', () => {
    try {
      privateNetworks('10.0.0.0/33, ollama.internal, http://x, yes please, 10.0.0.0/8/1');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const [problem] = (error as ConfigError).problems;
      expect(problem).toContain('SHUTTLE_ALLOW_PRIVATE_NETWORKS');
      expect(problem).toContain('10.0.0.0/33, http://x, yes please, 10.0.0.0/8/1');
    }
  });
});
