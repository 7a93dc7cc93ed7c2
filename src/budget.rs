//! The credit arithmetic of a bulk run's hard cap: what is committed (spent,
//! as answers said), what is reserved (the worst case of each call in
//! flight), and whether one more call's worst case fits.
//!
//! A call reserves its worst case before it is sent; when it settles, the
//! reservation is either committed (what the answer says it consumed, or
//! the whole worst case when nobody can tell) or released. Since nothing is
//! sent without a reservation that fits, committed + reserved never passes
//! the cap through this module's doing: only an answer that says it cost
//! more than its worst case could push it past, and that is counted as it is.

/// One call's reservation, made by [`Budget::reserve`]. It is not `Clone`:
/// each reservation is settled exactly once, by [`Budget::commit`] or
/// [`Budget::release`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a reservation must be committed or released"]
pub struct Reservation(u64);

impl Reservation {
    /// The credits it holds.
    pub fn amount(&self) -> u64 {
        self.0
    }
}

/// A run's credits: the cap, and what is committed and reserved under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    cap: Option<u64>,
    committed: u64,
    reserved: u64,
}

impl Budget {
    /// A budget capped at `cap` credits, or without a cap.
    pub fn new(cap: Option<u64>) -> Self {
        Budget {
            cap,
            committed: 0,
            reserved: 0,
        }
    }

    /// The cap, when there is one.
    pub fn cap(&self) -> Option<u64> {
        self.cap
    }

    /// Credits committed: what settled calls consumed (or may have).
    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// Credits reserved by the calls in flight.
    pub fn reserved(&self) -> u64 {
        self.reserved
    }

    /// What is left under the cap after what is committed and reserved
    /// (`None` without a cap).
    pub fn remaining(&self) -> Option<u64> {
        self.cap
            .map(|cap| cap.saturating_sub(self.committed.saturating_add(self.reserved)))
    }

    /// Whether a call whose worst case is `worst` fits now.
    pub fn fits(&self, worst: u64) -> bool {
        self.remaining().is_none_or(|left| worst <= left)
    }

    /// Reserves `worst` when it fits; `None` (and nothing changes) when not.
    pub fn reserve(&mut self, worst: u64) -> Option<Reservation> {
        if !self.fits(worst) {
            return None;
        }
        self.reserved = self.reserved.saturating_add(worst);
        Some(Reservation(worst))
    }

    /// A call settled having consumed `spent`: that is committed, and the
    /// rest of its reservation is freed. `spent` may exceed the reservation
    /// (an answer that says so is believed); it is counted as it is.
    pub fn commit(&mut self, reservation: Reservation, spent: u64) {
        self.reserved = self.reserved.saturating_sub(reservation.0);
        self.committed = self.committed.saturating_add(spent);
    }

    /// A call settled having consumed nothing: its reservation is freed.
    pub fn release(&mut self, reservation: Reservation) {
        self.commit(reservation, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_commit_release() {
        let mut b = Budget::new(Some(100));
        assert!(b.fits(100));
        assert!(!b.fits(101));
        let r1 = b.reserve(40).unwrap();
        let r2 = b.reserve(40).unwrap();
        assert_eq!(
            (b.committed(), b.reserved(), b.remaining()),
            (0, 80, Some(20))
        );
        assert!(b.reserve(40).is_none(), "80 reserved + 40 > 100");
        assert_eq!(b.reserved(), 80, "a refused reservation changes nothing");
        b.commit(r1, 15);
        assert_eq!(
            (b.committed(), b.reserved(), b.remaining()),
            (15, 40, Some(45))
        );
        let r3 = b.reserve(40).unwrap();
        b.release(r2);
        b.commit(r3, 40);
        assert_eq!(
            (b.committed(), b.reserved(), b.remaining()),
            (55, 0, Some(45))
        );
        assert!(b.fits(45) && !b.fits(46));
    }

    #[test]
    fn an_answer_that_cost_more_than_its_worst_case_is_counted() {
        let mut b = Budget::new(Some(10));
        let r = b.reserve(10).unwrap();
        b.commit(r, 12);
        assert_eq!((b.committed(), b.remaining()), (12, Some(0)));
        assert!(!b.fits(1));
        assert!(b.fits(0), "a call that cannot cost anything always fits");
    }

    #[test]
    fn no_cap_always_fits_and_still_counts() {
        let mut b = Budget::new(None);
        assert!(b.fits(u64::MAX));
        let r = b.reserve(u64::MAX).unwrap();
        let r2 = b.reserve(5).unwrap();
        assert_eq!(b.reserved(), u64::MAX, "saturates instead of wrapping");
        b.commit(r, 7);
        b.release(r2);
        assert_eq!((b.committed(), b.remaining()), (7, None));
    }

    #[test]
    fn zero_cap() {
        let mut b = Budget::new(Some(0));
        assert!(b.reserve(1).is_none());
        assert_eq!(b.cap(), Some(0));
    }
}
