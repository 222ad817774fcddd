/**
 * Classic mistake: probe timeouts tuned on a fast network. The direct ping gets 40 ms and the whole
 * probe, indirect part included, 80 ms; but one way takes up to 50 ms here, so a direct round trip
 * takes up to 100 ms and an indirect one (ping-req, ping, ack, ack) up to 200 ms. Live members are
 * suspected on a network that loses nothing. Wait at least a full round trip for each.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim } from "../../swim.js";

export * from "../../index.js";

const FAST_PING_TIMEOUT_MS = 40;
const FAST_PROBE_MS = 80;

class Impatient extends Swim {
  protected override startProbe(): void {
    const target = this.nextTarget();
    if (target === undefined) return;
    this.probe = { target, seq: ++this.seq, acked: false };
    this.send(target, { type: "ping", seq: this.probe.seq });
    this.ctx.setTimer(FAST_PING_TIMEOUT_MS, { kind: "ping-timeout", seq: this.probe.seq });
    this.ctx.setTimer(FAST_PROBE_MS, { kind: "probe-deadline", seq: this.probe.seq });
  }

  override onTimer(payload: Json): void {
    const p = payload as { kind: string; seq?: number };
    if (p.kind !== "probe-deadline") return super.onTimer(payload);
    if (this.probe && this.probe.seq === p.seq) this.endProbe();
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new Impatient(ctx);
}
