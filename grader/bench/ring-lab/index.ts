/**
 * The bench's ring, written as lab code so that it can run confined (confined.ts): a node starts 64
 * tokens towards the next node and passes on every token it receives, until it has received `limit`.
 */
import type { Json, NodeContext, NodeHandlers } from "../../sim/api.js";

export function createRingNode(ctx: NodeContext, next: string, limit: number): NodeHandlers {
  let received = 0;
  return {
    onStart() {
      for (let k = 0; k < 64; k++) ctx.send(next, { type: "token", hops: 0 });
    },
    onMessage(_from: string, msg: Json) {
      const m = msg as { type: string; hops: number };
      if (++received < limit) ctx.send(next, { type: m.type, hops: m.hops + 1 });
    },
  };
}
