//! The rules of a bulk run (`client.lookupMany`): its options checked into a
//! [`Plan`], and a [`Scheduler`] that decides, one step at a time, what to
//! send next, what to skip and why, and when the run is over. The JS half
//! (`js/bulk.js`) only starts the calls it is told to start and reports how
//! each one settled.
//!
//! The rules:
//! - targets settle in input order as far as decisions go; a target that is
//!   not valid for its kind fails at once (`invalid_argument`) and costs
//!   nothing;
//! - at most `concurrency` calls are in flight (a call's retries are part of
//!   it, inside the client);
//! - before a call is sent, its worst case is reserved in the [`Budget`]; a
//!   target whose worst case does not fit waits for the calls in flight,
//!   and is skipped (`budget_exceeded`) when nothing is in flight and it
//!   still does not fit;
//! - `unauthorized`, `subscription_required`, `plan_required` and
//!   `insufficient_credits` stop the run: every later call would fail the
//!   same way, so the targets not yet sent are skipped with that code;
//! - once the run is aborted, the targets not yet sent are skipped
//!   (`aborted`); the calls in flight end with their own `aborted`;
//! - a dry run sends nothing: each valid target is skipped (`dry_run`) when
//!   its worst case would fit, assuming every call before it costs its
//!   worst case, and `budget_exceeded` otherwise.

use crate::budget::{Budget, Reservation};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::params::{integer_in, not_of_type, Fields, Value, MAX_NUM};
use crate::prelude::*;

/// Default `concurrency`.
pub const DEFAULT_CONCURRENCY: u32 = 4;
/// Largest `concurrency`.
pub const MAX_CONCURRENCY: u32 = 32;
/// Largest `maxCredits`: the largest whole number a JS number holds exactly.
pub const MAX_CREDITS: f64 = 9_007_199_254_740_991.0;

/// The codes that stop a run: every later call would fail the same way.
pub const STOP_CODES: [&str; 4] = [
    "unauthorized",
    "subscription_required",
    "plan_required",
    "insufficient_credits",
];

/// A bulk run's checked options (the targets are checked one by one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Which lookup every target gets.
    pub endpoint: Endpoint,
    /// Backlinks asked per target, 1 to 10000.
    pub num: u32,
    /// Calls in flight at most, 1 to 32.
    pub concurrency: u32,
    /// The hard cap on the credits the run may spend, when there is one.
    pub max_credits: Option<u64>,
    /// Send nothing: check and price the run.
    pub dry_run: bool,
}

impl Plan {
    /// The option names `lookupMany` takes.
    pub const FIELDS: [&'static str; 8] = [
        "kind",
        "targets",
        "num",
        "concurrency",
        "maxCredits",
        "dryRun",
        "signal",
        "onProgress",
    ];

    /// Checks `lookupMany`'s options. `targets` must read as an array and
    /// `onProgress` as a function (or be left out); the JS layer reads
    /// their contents.
    pub fn from_fields(fields: &Fields) -> Result<Self, Error> {
        fields.reject_unknown("options", &Self::FIELDS)?;
        let endpoint = match fields.get("kind") {
            Value::String(kind) => Endpoint::from_kind(kind),
            _ => None,
        }
        .ok_or_else(|| bad_kind(fields.get("kind")))?;
        match fields.get("targets") {
            Value::Other("array") => {}
            other => {
                return Err(not_of_type(
                    "targets",
                    "`targets` must be an array of the pages (URLs) or domains to look up, e.g. [\"https://example.com/\"]; got ",
                    other,
                ))
            }
        }
        let num = match fields.get("num") {
            Value::Undefined => {
                return Err(Error::invalid(
                    "num",
                    text!(
                        "`num` is required: the most backlinks to return per target, a whole number from 1 to ",
                        MAX_NUM,
                        "."
                    ),
                ))
            }
            v => integer_in("num", v, 1, MAX_NUM)?,
        };
        let concurrency = match fields.get("concurrency") {
            Value::Undefined => DEFAULT_CONCURRENCY,
            v => integer_in("concurrency", v, 1, MAX_CONCURRENCY)?,
        };
        let max_credits = match fields.get("maxCredits") {
            Value::Undefined => None,
            Value::Number(n) if *n >= 0.0 && *n <= MAX_CREDITS && *n == (*n as u64) as f64 => {
                Some(*n as u64)
            }
            other => {
                return Err(not_of_type(
                    "maxCredits",
                    "`maxCredits` must be a whole number of credits, 0 or more (the most the run may spend), or left out for no cap; got ",
                    other,
                ))
            }
        };
        let dry_run = match fields.get("dryRun") {
            Value::Undefined => false,
            Value::Bool(b) => *b,
            other => {
                return Err(not_of_type(
                    "dryRun",
                    "`dryRun` must be true or false; got ",
                    other,
                ))
            }
        };
        match fields.get("signal") {
            Value::Undefined | Value::Signal { .. } => {}
            other => {
                return Err(not_of_type(
                    "signal",
                    "`signal` must be an AbortSignal (e.g. `new AbortController().signal`) or left out; got ",
                    other,
                ))
            }
        }
        match fields.get("onProgress") {
            Value::Undefined | Value::Other("function") => {}
            other => {
                return Err(not_of_type(
                    "onProgress",
                    "`onProgress` must be a function or left out; got ",
                    other,
                ))
            }
        }
        Ok(Plan {
            endpoint,
            num,
            concurrency,
            max_credits,
            dry_run,
        })
    }

    /// The worst case of one call: every backlink asked for comes back.
    pub fn worst_per_call(&self) -> u64 {
        u64::from(self.num) * u64::from(self.endpoint.credits_per_backlink())
    }
}

/// The error for a `kind` that names no lookup.
#[cold]
#[inline(never)]
fn bad_kind(v: &Value) -> Error {
    not_of_type(
        "kind",
        "`kind` must be \"page\", \"unique_page\", \"domain\" or \"unique_domain\"; got ",
        v,
    )
}

/// What to do next, as [`Scheduler::decide`] decides.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send the target at this index; its worst case is reserved.
    Send(usize),
    /// The target at this index is not valid for its kind: it fails with its
    /// own `invalid_argument` error, and nothing is sent.
    Invalid(usize),
    /// The target at this index is skipped with this error; nothing is sent.
    Skip(usize, Error),
    /// Nothing to do until a call in flight settles.
    Wait,
    /// Every target has settled.
    Done,
}

/// How a call settled, as the JS half reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Settled<'a> {
    /// It resolved, and its answer says it consumed this many credits.
    Ok {
        /// The answer's `credits_consumed`.
        credits: u64,
    },
    /// It rejected with this error.
    Failed {
        /// The error's `code`.
        code: &'a str,
        /// The error's HTTP status, when a response came.
        status: Option<u16>,
        /// The error's message.
        message: &'a str,
    },
}

/// Where a run stands: what `onProgress` gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Targets settled (ok, failed or skipped); never goes down.
    pub done: u64,
    /// Targets in the run.
    pub total: u64,
    /// Targets that got an answer.
    pub ok: u64,
    /// Targets that failed (invalid, or their call failed).
    pub failed: u64,
    /// Targets skipped (never sent).
    pub skipped: u64,
    /// Credits the answers say they consumed.
    pub credits_consumed: u64,
    /// Credits reserved by the calls in flight.
    pub credits_reserved: u64,
}

/// The decisions of one bulk run.
#[derive(Debug)]
pub struct Scheduler {
    plan: Plan,
    worst: u64,
    /// Whether each target is valid for its kind.
    valid: Vec<bool>,
    /// How many are.
    valid_count: u64,
    /// The next target to decide about.
    cursor: usize,
    /// The calls in flight: their target's index and reservation.
    in_flight: Vec<(usize, Reservation)>,
    budget: Budget,
    /// The error that stopped the run, once one did: `(code, message)`.
    stopped: Option<(&'static str, String)>,
    aborted: bool,
    progress: Progress,
}

impl Scheduler {
    /// A run of `plan` over targets whose validity `valid` lists.
    pub fn new(plan: Plan, valid: Vec<bool>) -> Self {
        Scheduler {
            worst: plan.worst_per_call(),
            budget: Budget::new(plan.max_credits),
            progress: Progress {
                total: valid.len() as u64,
                ..Progress::default()
            },
            in_flight: Vec::with_capacity(plan.concurrency as usize),
            valid_count: valid.iter().filter(|v| **v).count() as u64,
            plan,
            valid,
            cursor: 0,
            stopped: None,
            aborted: false,
        }
    }

    /// `num` x the kind's price x the number of valid targets.
    pub fn worst_case_credits(&self) -> u64 {
        self.worst.saturating_mul(self.valid_count)
    }

    /// Where the run stands.
    pub fn progress(&self) -> Progress {
        Progress {
            credits_reserved: self.budget.reserved(),
            ..self.progress
        }
    }

    /// How many calls are in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// The run is aborted: the targets not yet sent are skipped.
    pub fn abort(&mut self) {
        self.aborted = true;
    }

    /// Decides what to do next. Call it until it answers [`Action::Wait`]
    /// or [`Action::Done`]; a skipped or invalid target counts as settled
    /// as soon as it is answered.
    pub fn decide(&mut self) -> Action {
        let Some(&valid) = self.valid.get(self.cursor) else {
            return if self.in_flight.is_empty() {
                Action::Done
            } else {
                Action::Wait
            };
        };
        let index = self.cursor;
        if !valid {
            self.cursor += 1;
            self.settle_count(|p| &mut p.failed);
            return Action::Invalid(index);
        }
        if let Some(error) = self.skip_reason() {
            self.cursor += 1;
            self.settle_count(|p| &mut p.skipped);
            return Action::Skip(index, error);
        }
        if self.in_flight.len() >= self.plan.concurrency as usize {
            return Action::Wait;
        }
        match self.budget.reserve(self.worst) {
            Some(reservation) => {
                self.cursor += 1;
                self.in_flight.push((index, reservation));
                Action::Send(index)
            }
            // The calls in flight may cost less than they reserved: wait.
            None if !self.in_flight.is_empty() => Action::Wait,
            None => {
                self.cursor += 1;
                self.settle_count(|p| &mut p.skipped);
                Action::Skip(index, self.over_budget())
            }
        }
    }

    /// Why the next valid target is skipped without being sent, if it is.
    fn skip_reason(&mut self) -> Option<Error> {
        if self.aborted {
            return Some(Error::NotSent {
                code: "aborted",
                message: "Not sent: the run was aborted before this target's turn.".into(),
            });
        }
        if let Some((code, message)) = &self.stopped {
            return Some(Error::NotSent {
                code,
                message: text!(
                    "Not sent: an earlier target failed with `",
                    code,
                    "`, and every later call would fail the same way. ",
                    message
                ),
            });
        }
        if self.plan.dry_run {
            // Priced as if every call before it cost its worst case.
            return Some(match self.budget.reserve(self.worst) {
                Some(reservation) => {
                    self.budget.commit(reservation, self.worst);
                    Error::NotSent {
                        code: "dry_run",
                        message: text!(
                            "Not sent: this is a dry run (`dryRun: true`). It would cost at most ",
                            self.worst,
                            " credits."
                        ),
                    }
                }
                None => self.over_budget(),
            });
        }
        None
    }

    /// The skip error of a target whose worst case does not fit.
    #[cold]
    #[inline(never)]
    fn over_budget(&self) -> Error {
        let cap = self.budget.cap().unwrap_or(0);
        Error::NotSent {
            code: "budget_exceeded",
            message: text!(
                "Not sent: its worst case (",
                self.worst,
                " credits) does not fit in what `maxCredits` (",
                cap,
                ") leaves after the calls before it (",
                self.budget.remaining().unwrap_or(0),
                "). Raise `maxCredits` or lower `num`."
            ),
        }
    }

    /// Counts one more settled target in the counter `which` picks.
    fn settle_count(&mut self, which: fn(&mut Progress) -> &mut u64) {
        *which(&mut self.progress) += 1;
        self.progress.done += 1;
    }

    /// The call of the target at `index` settled. Returns false (and
    /// changes nothing) when no call of that target is in flight.
    ///
    /// An answer commits what it says it consumed. A failure with a
    /// non-2xx answer consumed nothing. A failure without an answer that
    /// says what it cost (a timeout, a network error, an abort in flight,
    /// a 2xx that could not be read) may have been charged, so its whole
    /// reservation stays counted against the cap (but not in
    /// `credits_consumed`, which counts only what answers said).
    pub fn settled(&mut self, index: usize, how: Settled<'_>) -> bool {
        let Some(at) = self.in_flight.iter().position(|(i, _)| *i == index) else {
            return false;
        };
        let (_, reservation) = self.in_flight.swap_remove(at);
        match how {
            Settled::Ok { credits } => {
                self.budget.commit(reservation, credits);
                self.progress.credits_consumed =
                    self.progress.credits_consumed.saturating_add(credits);
                self.settle_count(|p| &mut p.ok);
            }
            Settled::Failed {
                code,
                status,
                message,
            } => {
                match status {
                    Some(s) if !(200..300).contains(&s) => self.budget.release(reservation),
                    _ => {
                        let all = reservation.amount();
                        self.budget.commit(reservation, all);
                    }
                }
                if self.stopped.is_none() {
                    if let Some(stop) = STOP_CODES.iter().find(|c| **c == code) {
                        self.stopped = Some((stop, message.into()));
                    }
                }
                self.settle_count(|p| &mut p.failed);
            }
        }
        true
    }

    /// Credits the budget counts as spent: what answers said, plus the
    /// whole reservation of each call that failed without saying.
    pub fn credits_committed(&self) -> u64 {
        self.budget.committed()
    }

    /// The code that stopped the run, once one did.
    pub fn stopped(&self) -> Option<&'static str> {
        self.stopped.as_ref().map(|(code, _)| *code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(concurrency: u32, max_credits: Option<u64>) -> Plan {
        Plan {
            endpoint: Endpoint::Page,
            num: 10,
            concurrency,
            max_credits,
            dry_run: false,
        }
    }

    /// Runs `next` until it waits or is done.
    fn drain(s: &mut Scheduler) -> Vec<Action> {
        let mut out = Vec::new();
        loop {
            let a = s.decide();
            let stop = matches!(a, Action::Wait | Action::Done);
            out.push(a);
            if stop {
                return out;
            }
        }
    }

    fn code(a: &Action) -> &'static str {
        match a {
            Action::Skip(_, e) => e.code(),
            _ => "",
        }
    }

    fn ok(credits: u64) -> Settled<'static> {
        Settled::Ok { credits }
    }

    fn fail(code: &'static str, status: Option<u16>) -> Settled<'static> {
        Settled::Failed {
            code,
            status,
            message: "msg",
        }
    }

    #[test]
    fn keeps_concurrency_in_flight_and_ends() {
        let mut s = Scheduler::new(plan(2, None), vec![true; 5]);
        assert_eq!(
            drain(&mut s),
            [Action::Send(0), Action::Send(1), Action::Wait]
        );
        assert!(s.settled(1, ok(10)));
        assert!(!s.settled(1, ok(10)), "a target settles once");
        assert_eq!(drain(&mut s), [Action::Send(2), Action::Wait]);
        s.settled(0, ok(3));
        s.settled(2, ok(3));
        assert_eq!(
            drain(&mut s),
            [Action::Send(3), Action::Send(4), Action::Wait]
        );
        s.settled(3, fail("server_error", Some(503)));
        s.settled(4, ok(0));
        assert_eq!(drain(&mut s), [Action::Done]);
        let p = s.progress();
        assert_eq!(
            (p.done, p.total, p.ok, p.failed, p.skipped),
            (5, 5, 4, 1, 0)
        );
        assert_eq!((p.credits_consumed, p.credits_reserved), (16, 0));
        assert_eq!(s.worst_case_credits(), 50);
    }

    #[test]
    fn invalid_targets_fail_at_once_and_cost_nothing() {
        let mut s = Scheduler::new(plan(1, Some(10)), vec![false, true, false, true]);
        assert_eq!(
            drain(&mut s),
            [
                Action::Invalid(0),
                Action::Send(1),
                Action::Invalid(2),
                Action::Wait
            ],
            "an invalid target takes no place in flight"
        );
        s.settled(1, ok(4));
        let rest = drain(&mut s);
        assert_eq!(
            code(&rest[0]),
            "budget_exceeded",
            "6 credits left, nothing in flight"
        );
        assert_eq!(rest[1], Action::Done);
        assert_eq!(s.worst_case_credits(), 20);
    }

    #[test]
    fn the_cap_waits_for_calls_in_flight_then_skips() {
        // Cap 25, worst 10: two fit; the third waits; answers cost 4 and 10.
        let mut s = Scheduler::new(plan(8, Some(25)), vec![true; 5]);
        assert_eq!(
            drain(&mut s),
            [Action::Send(0), Action::Send(1), Action::Wait]
        );
        assert_eq!(s.progress().credits_reserved, 20);
        s.settled(0, ok(4)); // committed 4, reserved 10: 11 left
        assert_eq!(drain(&mut s), [Action::Send(2), Action::Wait]);
        s.settled(1, ok(10)); // committed 14, reserved 10: 1 left
        assert_eq!(drain(&mut s), [Action::Wait]);
        s.settled(2, ok(10)); // committed 24: 1 left, nothing in flight
        let rest = drain(&mut s);
        assert_eq!(rest.len(), 3);
        assert_eq!(
            (code(&rest[0]), code(&rest[1])),
            ("budget_exceeded", "budget_exceeded")
        );
        assert_eq!(rest[2], Action::Done);
        assert_eq!(s.progress().skipped, 2);
        assert_eq!(s.credits_committed(), 24);
    }

    #[test]
    fn never_reserves_past_the_cap_whatever_the_order() {
        // Random settle orders and costs: committed + reserved never passes the cap.
        let mut seed = 12345u64;
        let mut rand = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..300 {
            let cap = rand(200);
            let conc = 1 + rand(8) as u32;
            let mut s = Scheduler::new(plan(conc, Some(cap)), vec![true; 30]);
            loop {
                let actions = drain(&mut s);
                if actions.last() == Some(&Action::Done) {
                    break;
                }
                assert!(s.in_flight() <= conc as usize);
                let p = s.progress();
                assert!(
                    s.credits_committed() + p.credits_reserved <= cap,
                    "round {round}"
                );
                let (index, _) = s.in_flight[rand(s.in_flight.len() as u64) as usize];
                s.settled(index, ok(rand(11)));
            }
            let p = s.progress();
            assert_eq!(p.done, 30);
            assert_eq!(p.ok + p.skipped, 30);
            assert!(p.credits_consumed <= cap);
        }
    }

    #[test]
    fn a_stop_code_skips_what_is_not_sent_yet() {
        let mut s = Scheduler::new(plan(2, None), vec![true, true, true, false, true]);
        assert_eq!(
            drain(&mut s),
            [Action::Send(0), Action::Send(1), Action::Wait]
        );
        s.settled(0, fail("unauthorized", Some(401)));
        let rest = drain(&mut s);
        assert_eq!(code(&rest[0]), "unauthorized");
        assert!(
            matches!(&rest[0], Action::Skip(2, Error::NotSent { message, .. }) if message.contains("msg"))
        );
        assert_eq!(rest[1], Action::Invalid(3));
        assert_eq!(code(&rest[2]), "unauthorized");
        assert_eq!(rest[3], Action::Wait, "target 1 is still in flight");
        s.settled(1, ok(10));
        assert_eq!(drain(&mut s), [Action::Done]);
        assert_eq!(s.stopped(), Some("unauthorized"));
        let p = s.progress();
        assert_eq!((p.ok, p.failed, p.skipped), (1, 2, 2));
    }

    #[test]
    fn other_failures_do_not_stop_the_run() {
        for code_ in [
            "server_error",
            "timeout",
            "bad_request",
            "rate_limited",
            "payment_required",
        ] {
            let mut s = Scheduler::new(plan(1, None), vec![true; 2]);
            drain(&mut s);
            s.settled(0, fail(code_, None));
            assert_eq!(drain(&mut s), [Action::Send(1), Action::Wait], "{code_}");
        }
        for code_ in STOP_CODES {
            let mut s = Scheduler::new(plan(1, None), vec![true; 2]);
            drain(&mut s);
            s.settled(0, fail(code_, Some(402)));
            assert_eq!(code(&drain(&mut s)[0]), code_);
        }
    }

    #[test]
    fn a_failure_without_an_answer_keeps_its_reservation() {
        let mut s = Scheduler::new(plan(2, Some(20)), vec![true; 3]);
        drain(&mut s);
        s.settled(0, fail("timeout", None)); // may have been charged: 10 stays
        s.settled(1, fail("server_error", Some(503))); // charged nothing
        assert_eq!(s.credits_committed(), 10);
        assert_eq!(s.progress().credits_consumed, 0);
        assert_eq!(drain(&mut s), [Action::Send(2), Action::Wait]);
        s.settled(2, fail("invalid_response", Some(200)));
        assert_eq!(s.credits_committed(), 20);
    }

    #[test]
    fn abort_skips_the_rest_and_lets_calls_in_flight_end() {
        let mut s = Scheduler::new(plan(2, None), vec![true, true, false, true]);
        assert_eq!(drain(&mut s)[2], Action::Invalid(2));
        s.abort();
        let rest = drain(&mut s);
        assert_eq!(code(&rest[0]), "aborted");
        assert!(matches!(rest[0], Action::Skip(3, _)));
        assert_eq!(rest[1], Action::Wait);
        s.settled(0, fail("aborted", None));
        s.settled(1, fail("aborted", None));
        assert_eq!(drain(&mut s), [Action::Done]);
    }

    #[test]
    fn dry_run_prices_the_run_and_sends_nothing() {
        let mut p = plan(4, Some(25));
        p.dry_run = true;
        let mut s = Scheduler::new(p, vec![true, false, true, true]);
        let actions = drain(&mut s);
        assert_eq!(code(&actions[0]), "dry_run");
        assert_eq!(actions[1], Action::Invalid(1));
        assert_eq!(code(&actions[2]), "dry_run");
        assert_eq!(code(&actions[3]), "budget_exceeded");
        assert_eq!(actions[4], Action::Done);
        assert_eq!(s.worst_case_credits(), 30);
        assert_eq!(s.progress().credits_consumed, 0);
    }

    #[test]
    fn an_empty_run_is_done_at_once() {
        let mut s = Scheduler::new(plan(4, Some(0)), Vec::new());
        assert_eq!(s.decide(), Action::Done);
        assert_eq!(s.worst_case_credits(), 0);
    }

    fn fields(entries: &[(&str, Value)]) -> Fields {
        Fields::of(entries)
    }

    fn field_of(entries: &[(&str, Value)]) -> &'static str {
        Plan::from_fields(&fields(entries))
            .unwrap_err()
            .field()
            .unwrap()
    }

    #[test]
    fn plan_checks_every_option() {
        let kind = ("kind", Value::String("page".into()));
        let targets = ("targets", Value::Other("array"));
        let num = ("num", Value::Number(10.0));
        let ok = Plan::from_fields(&fields(&[kind.clone(), targets.clone(), num.clone()])).unwrap();
        assert_eq!(
            (
                ok.concurrency,
                ok.max_credits,
                ok.dry_run,
                ok.worst_per_call()
            ),
            (4, None, false, 10)
        );
        let with =
            |extra: (&str, Value)| field_of(&[kind.clone(), targets.clone(), num.clone(), extra]);
        assert_eq!(with(("concurrency", Value::Number(0.0))), "concurrency");
        assert_eq!(with(("concurrency", Value::Number(33.0))), "concurrency");
        assert_eq!(with(("concurrency", Value::Number(2.5))), "concurrency");
        assert_eq!(with(("maxCredits", Value::Number(-1.0))), "maxCredits");
        assert_eq!(with(("maxCredits", Value::Number(1.5))), "maxCredits");
        assert_eq!(
            with(("maxCredits", Value::String("5".into()))),
            "maxCredits"
        );
        assert_eq!(with(("dryRun", Value::Number(1.0))), "dryRun");
        assert_eq!(with(("onProgress", Value::Other("object"))), "onProgress");
        assert_eq!(with(("signal", Value::Bool(true))), "signal");
        assert_eq!(with(("maxCredit", Value::Number(1.0))), "options");
        assert_eq!(field_of(&[targets.clone(), num.clone()]), "kind");
        assert_eq!(
            field_of(&[
                ("kind", Value::String("pages".into())),
                targets.clone(),
                num.clone()
            ]),
            "kind"
        );
        assert_eq!(field_of(&[kind.clone(), num.clone()]), "targets");
        assert_eq!(
            field_of(&[
                kind.clone(),
                ("targets", Value::String("x".into())),
                num.clone()
            ]),
            "targets"
        );
        assert_eq!(field_of(&[kind.clone(), targets.clone()]), "num");
        assert_eq!(
            field_of(&[
                kind.clone(),
                targets.clone(),
                ("num", Value::Number(10001.0))
            ]),
            "num"
        );
        let full = Plan::from_fields(&fields(&[
            kind,
            targets,
            num,
            ("concurrency", Value::Number(32.0)),
            ("maxCredits", Value::Number(0.0)),
            ("dryRun", Value::Bool(true)),
            ("onProgress", Value::Other("function")),
            ("signal", Value::Signal { aborted: false }),
        ]))
        .unwrap();
        assert_eq!(
            (full.concurrency, full.max_credits, full.dry_run),
            (32, Some(0), true)
        );
    }
}
