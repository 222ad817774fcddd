/**
 * Why learners had not decided by the end of a run, from what the trace shows: a value chosen but
 * not learned, acceptors refusing the ballot they promised, no accept request ever sent, proposers
 * that went quiet, or proposers that kept trying to the end. Each case is named only once the
 * observed messages support it; otherwise the message states the counts it has.
 */
import type { NodeId } from "../../sim/api.js";
import type { Delivery, PaxosObserver } from "./paxos-observer.js";
import type { PaxosWorld } from "./paxos-world.js";

/** A proposer that sent nothing for this long before the end of the run had stopped trying. */
const QUIET_MS = 1000;

export function whyUndecided(w: PaxosWorld, missing: readonly NodeId[], endAt: number): string {
  const choice = w.checker.choice;
  const o = w.observer;
  if (choice !== null) {
    const head = `The value ${choice.value} was chosen at t=${choice.at}ms (ballot ${choice.ballot}, accepted by ${choice.acceptors.join(", ")})`;
    const learner = missing[0] as NodeId;
    const told = o === null ? null : toldOf(o, w, learner, choice.value, choice.at);
    const heard = told === null ? "" : `, and since then ${learner} received ${told.count} message${told.count === 1 ? "" : "s"} carrying it from acceptors (${told.from.length > 0 ? `from ${told.from.join(", ")}` : "from none"})`;
    return (
      `${head}${heard}. A learner decides once a majority of distinct acceptors accepted in the same ballot; acceptors tell the learners each acceptance, ` +
      `and a proposer keeps retrying (with a higher ballot, after a timeout or a refusal) until it learns the chosen value`
    );
  }
  const parts = ["No value was chosen at all"];
  let explained = false;
  if (o !== null && o.rolesApart) {
    const requests = o.acceptRequests();
    const refusal = refusedOwnPromise(o, w);
    const accepted = requests.filter((d) => d.accepted).length;
    if (refusal !== null) {
      const { request: d, prepare } = refusal;
      parts.push(
        `${d.to} refused an accept request for the very ballot it had promised: ${d.to} answered ${d.from}'s prepare at t=${prepare.at}ms (the last prepare ${d.from} sent it, and the only proposer ${d.to} had heard from), ` +
          `then at t=${d.at}ms received ${d.from}'s accept request for ${d.carries} that followed it and did not accept it (no app.accepted call). ` +
          `Acceptors accepted ${accepted} of the ${requests.length} accept requests they received. An acceptor accepts in any ballot at least as high as its promise, a ballot equal to its promise included: ` +
          `refusing that one leaves no ballot that can gather a majority`,
      );
      explained = true;
    } else if (requests.length === 0) {
      parts.push(`no proposer ever sent an acceptor an accept request (a message carrying a proposed value): ${neverAccepting(o, w)}`);
    } else {
      const refused = requests.filter((d) => !d.accepted);
      const unexplained = refused.find((d) => !preempted(o, w, d));
      const preemptions = refused.length - (unexplained === undefined ? 0 : refused.filter((d) => !preempted(o, w, d)).length);
      if (unexplained !== undefined) {
        parts.push(
          `acceptors accepted ${accepted} of the ${requests.length} accept requests they received; ${unexplained.to} refused ${unexplained.from}'s for ${unexplained.carries} at t=${unexplained.at}ms (no app.accepted call), ` +
            `although no other proposer's prepare or accepted request had reached ${unexplained.to} since ${unexplained.from}'s prepare. An acceptor accepts in any ballot at least as high as its promise`,
        );
      } else if (accepted === 0) {
        parts.push(
          `acceptors refused all ${requests.length} accept requests they received, each one pre-empted: another proposer's prepare had reached the acceptor after the requester's own, so refusing was right`,
        );
      } else {
        parts.push(`acceptors accepted ${accepted} of the ${requests.length} accept requests they received, never a majority in one ballot (the ${preemptions} refusals were pre-emptions by another proposer's prepare)`);
      }
    }
  }
  const facts = `${parts.join(": ")}.`;
  return o !== null && !explained ? `${facts} ${stillTrying(o, w, endAt)}` : facts;
}

/**
 * Was this accept request pre-empted: did another proposer's prepare (or an accept request the
 * acceptor accepted) reach the acceptor after the requester's last prepare to it (or at all, if that
 * prepare never arrived)? Then the acceptor's promise may be higher, and refusing is right.
 */
function preempted(o: PaxosObserver, w: PaxosWorld, d: Delivery): boolean {
  const index = o.deliveries.indexOf(d);
  const before = o.deliveries.slice(0, index).filter((x) => x.to === d.to && w.roles.proposers.includes(x.from));
  const ownPrepare = before.findLastIndex((x) => x.from === d.from && x.carries === null);
  return before.slice(ownPrepare + 1).some((x) => x.from !== d.from && (x.carries === null || x.accepted));
}

/** Messages carrying `value` that `learner` received from acceptors after `since`. */
function toldOf(o: PaxosObserver, w: PaxosWorld, learner: NodeId, value: string, since: number): { count: number; from: NodeId[] } {
  const got = o.deliveries.filter((d) => d.to === learner && d.at >= since && d.carries === value && w.roles.acceptors.includes(d.from) && d.from !== learner);
  return { count: got.length, from: [...new Set(got.map((d) => d.from))].sort() };
}

/**
 * An acceptor that refused an accept request for a ballot equal to its promise, shown by the order
 * of messages alone: it had heard from one proposer only, it answered that proposer's latest
 * prepare, and the accept request followed that prepare with no other prepare between them (a
 * proposer's ballots only grow, so the request was for the promised ballot).
 */
function refusedOwnPromise(o: PaxosObserver, w: PaxosWorld): { request: Delivery; prepare: Delivery } | null {
  const { proposers } = w.roles;
  for (const [index, d] of o.deliveries.entries()) {
    if (d.carries === null || d.accepted || !proposers.includes(d.from) || !w.roles.acceptors.includes(d.to)) continue;
    const earlier = o.deliveries.slice(0, index).filter((x) => x.to === d.to && proposers.includes(x.from));
    if (earlier.some((x) => x.from !== d.from)) continue;
    const prepare = earlier.filter((x) => x.carries === null).at(-1);
    if (prepare === undefined || !prepare.answered || prepare.fromIncarnation !== d.fromIncarnation) continue;
    const lastPrepareSent = o.sentOn(d.from, d.to).filter((s) => s.carries === null && s.id < d.id).at(-1);
    if (lastPrepareSent?.id !== prepare.id) continue;
    return { request: d, prepare };
  }
  return null;
}

/** Proposers that never got to phase 2: how many rounds of prepares a majority answered. */
function neverAccepting(o: PaxosObserver, w: PaxosWorld): string {
  const majority = Math.floor(w.roles.acceptors.length / 2) + 1;
  const counts = w.roles.proposers.map((p) => {
    const prepares = o.deliveries.filter((d) => d.from === p && d.carries === null && w.roles.acceptors.includes(d.to));
    const rounds = new Map<number, Set<NodeId>>();
    for (const d of prepares) {
      let answered = rounds.get(d.sentAt);
      if (answered === undefined) rounds.set(d.sentAt, (answered = new Set()));
      if (d.answered) answered.add(d.to);
    }
    const full = [...rounds.values()].filter((a) => a.size >= majority).length;
    return { p, rounds: rounds.size, full };
  });
  const busy = counts.filter((c) => c.full >= 2);
  if (busy.length > 0) {
    const c = busy[0] as (typeof busy)[number];
    return (
      `${c.p} sent ${c.rounds} rounds of prepares, and in ${c.full} of them a majority of acceptors answered, yet it never went on to phase 2. ` +
      `Either those answers were refusals and each retry was still below the ballot they reported (a retry must use a ballot above every ballot a refusal reports), ` +
      `or ${c.p} did not count promises from a majority of distinct acceptors`
    );
  }
  return `none collected promises from a majority of distinct acceptors (${counts.map((c) => `${c.p}: ${c.rounds} rounds of prepares, ${c.full} answered by a majority`).join("; ")})`;
}

/** Did the undecided proposers go quiet, or keep trying to the end? */
function stillTrying(o: PaxosObserver, w: PaxosWorld, endAt: number): string {
  const undecided = w.roles.proposers.filter((p) => w.sim.isUp(p) && !w.checker.learnersDecided.has(p));
  const quiet = undecided.filter((p) => (o.sendTimes(p).at(-1) ?? -Infinity) < endAt - QUIET_MS);
  if (quiet.length > 0) {
    const p = quiet[0] as NodeId;
    const last = o.sendTimes(p).at(-1);
    return (
      `Meanwhile ${quiet.join(", ")} stopped trying (${p} sent ${last === undefined ? "nothing at all" : `its last message at t=${last}ms`}). ` +
      `A proposer must keep retrying, with a higher ballot, after a timeout or a refusal, until it learns the chosen value`
    );
  }
  const recent = undecided.map((p) => o.sendTimes(p).filter((t) => t >= endAt - QUIET_MS).length).reduce((a, b) => a + b, 0);
  return `The proposers kept trying to the end (${undecided.join(", ")} sent ${recent.toLocaleString("en-US")} messages in the last ${QUIET_MS}ms), but no ballot gathered acceptances from a majority`;
}
