/**
 * Explicit-choice scheduling: instead of always running the earliest pending event, a `Chooser` picks
 * which one runs next, or makes an intervention (drop or duplicate a message, crash or restart a
 * node). The choices and interventions are recorded, so such a run replays exactly; the schedule
 * explorer (grader/explore/) is built on this.
 */
import type { Json, NodeId } from "./api.js";
import { SimulationError } from "./errors.js";
import type { EventLoop } from "./event-loop.js";
import type { NodeHost } from "./node-host.js";
import { DELIVER, KIND_NAMES, TIMER, type Pending } from "./pending.js";
import type { Transport } from "./transport.js";

/** What a `Chooser` sees of a pending event. */
export interface PendingView {
  time: number;
  kind: "deliver" | "timer" | "action" | "call";
  node: NodeId | null;
  from: NodeId | null;
  label: string;
  /** The message of a delivery, the payload of a timer; null for actions and calls. */
  payload: Json;
}

/**
 * An intervention a `Chooser` may make instead of running an event (for schedule exploration). It
 * changes the world between two steps; the chooser is then asked again for the same step.
 * - `drop`: the pending delivery `pending[drop]` is lost (traced as a drop).
 * - `duplicate`: the pending delivery `pending[duplicate]` gets a second copy, pending at the same time.
 * - `crash` / `restart`: as `crash(id)` and `restart(id)`.
 * - `stop`: `run()` returns now, leaving every pending event pending.
 */
export type ChooserAction =
  | { drop: number }
  | { duplicate: number }
  | { crash: NodeId }
  | { restart: NodeId }
  | { stop: true };

/**
 * Returns the index (into `pending`, which is in time order) of the event to run next, or an
 * intervention. Any pending event may run, however late its time: a timer "fires early" when it is
 * picked before earlier deliveries, and the clock never goes backwards.
 */
export type Chooser = (pending: readonly PendingView[], step: number) => number | ChooserAction;

/** An intervention as recorded: made before the `step`-th event ran (so replay is choices + actions). */
export interface RecordedAction {
  step: number;
  action: ChooserAction;
}

export class ExplicitSchedule {
  /** The index of each event the chooser picked, in order. */
  readonly choices: number[] = [];
  /** The chooser's interventions, in order. */
  readonly actions: RecordedAction[] = [];

  constructor(
    private readonly loop: EventLoop,
    private readonly host: NodeHost,
    private readonly transport: Transport,
  ) {}

  /** Asks `chooser` for each step until it stops or no pending event is due by `until`. */
  run(chooser: Chooser, until: number): void {
    const loop = this.loop;
    for (;;) {
      const pending = loop.queue.sorted().filter((e) => e.time <= until && isLive(e));
      if (pending.length === 0) return;
      const views = pending.map(view);
      const choice = chooser(views, this.choices.length);
      if (typeof choice === "object") {
        if ("stop" in choice) return;
        this.intervene(choice, pending);
        loop.runStepChecks();
        continue;
      }
      const event = pending[choice];
      if (!Number.isInteger(choice) || event === undefined) {
        throw new SimulationError(`the chooser picked ${choice}, but only ${pending.length} events are pending`, {
          time: loop.now,
        });
      }
      this.choices.push(choice);
      loop.runChosen(event);
    }
  }

  private intervene(action: Exclude<ChooserAction, { stop: true }>, pending: readonly Pending[]): void {
    this.actions.push({ step: this.choices.length, action });
    if ("crash" in action) return this.host.crash(action.crash);
    if ("restart" in action) return this.host.restart(action.restart);
    const index = "drop" in action ? action.drop : action.duplicate;
    const e = pending[index];
    if (e === undefined || e.kind !== DELIVER) {
      throw new SimulationError(`the chooser asked to ${"drop" in action ? "drop" : "duplicate"} pending event ${index}, which is not a message delivery`, {
        time: this.loop.now,
      });
    }
    if ("drop" in action) {
      this.loop.queue.remove(e);
      return this.transport.drop(e.id, e.from as NonNullable<Pending["from"]>, e.target as NonNullable<Pending["target"]>, "loss");
    }
    this.transport.duplicate(e);
  }
}

/** A cancelled timer, or one of an earlier incarnation, is not an event a chooser can pick. */
function isLive(e: Pending): boolean {
  return !(e.kind === TIMER && (e.cancelled || e.target?.incarnation !== e.incarnation));
}

function view(e: Pending): PendingView {
  return {
    time: e.time,
    kind: KIND_NAMES[e.kind] as PendingView["kind"],
    node: e.target?.id ?? null,
    from: e.from?.id ?? null,
    label: e.label,
    payload: e.kind === DELIVER || e.kind === TIMER ? e.data : null,
  };
}
