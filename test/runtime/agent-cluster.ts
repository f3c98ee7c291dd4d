// A test cluster (API server and scheduler) with one node agent, berth-control-plane, on a
// fixture's linux runtime: what the agent-level runtime tests share. stop() ends the agent,
// the cluster and the runtime, and returns what leaked (empty = clean).
import { nodeAgent, type NodeAgentOptions } from '../../src/kubelet/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { FAST, schedulerManager } from '../e2e/node-support.js';
import { fixture, teardown, type Fixture } from './helpers.js';

export interface AgentCluster {
  readonly c: TestCluster;
  readonly f: Fixture;
  stop(): Promise<string[]>;
}

/** `extra`: more node agent options (volumes, intervals), made once the cluster and fixture exist. */
export async function agentCluster(tag: string, octet: number,
  extra?: (c: TestCluster, f: Fixture) => Partial<NodeAgentOptions>): Promise<AgentCluster> {
  const f = await fixture(tag, octet);
  const c = await startTestCluster({ components: [schedulerManager()] });
  const ac = new AbortController();
  const running = nodeAgent({ nodeName: 'berth-control-plane', runtime: f.runtime, podCIDR: f.cidr, address: '172.18.0.2', ...FAST, ...extra?.(c, f) })
    .run(c.client, ac.signal);
  return {
    c, f,
    async stop() {
      ac.abort();
      await running;
      await c.stop();
      return teardown(f);
    },
  };
}
