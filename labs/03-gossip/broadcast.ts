/**
 * Lab 3 Part A: broadcast by gossip.
 *
 * `broadcast(value)` must get `value` to every node, this one included, where your node calls
 * `app.deliver(value)` exactly once, even if the node crashes and restarts in between. Send only to
 * the `neighbours` you are given (the test's topology); the network loses, duplicates and reorders
 * messages, and partitions come and go.
 *
 * A plan that works (Demers et al. 1987):
 * - A seen-set: deliver and pass on a value only the first time you see it. Make it durable.
 * - Push: send new values to your neighbours. Batch them: collect for a few tens of milliseconds,
 *   then send one message with all of them (the efficiency tiers count messages).
 * - Anti-entropy: now and then, compare what you hold with a random neighbour and swap the
 *   difference. This repairs everything push lost, whatever the reason.
 * - On a full mesh you may choose your own overlay (a tree, a star) to cut messages and hops.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../grader/suites/03-gossip/interface.js";

export class GossipBroadcast implements BroadcastNode {
  // TODO: the seen-set, what you still have to push to each neighbour, and your overlay.

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly neighbours: readonly NodeId[],
    protected readonly app: BroadcastApp,
  ) {}

  onStart(): void {
    // TODO: reload what you had seen before a crash, and start your timers.
    throw new Error("not implemented: GossipBroadcast.onStart in labs/03-gossip/broadcast.ts");
  }

  broadcast(value: number): void {
    // TODO: a value broadcast here is "seen" here first.
    throw new Error("not implemented: GossipBroadcast.broadcast in labs/03-gossip/broadcast.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    // TODO: gossip from a neighbour, and anti-entropy exchanges.
    throw new Error("not implemented: GossipBroadcast.onMessage in labs/03-gossip/broadcast.ts");
  }

  onTimer(payload: Json): void {
    // TODO: flush batches; run a round of anti-entropy.
    throw new Error("not implemented: GossipBroadcast.onTimer in labs/03-gossip/broadcast.ts");
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new GossipBroadcast(ctx, neighbours, app);
}
