//! When to try again, and how long to wait first: exponential backoff with
//! full jitter, or the server's `Retry-After`.

/// First backoff ceiling, in milliseconds; it doubles on each retry.
pub const BASE_DELAY_MS: f64 = 500.0;
/// Largest backoff ceiling, in milliseconds.
pub const MAX_DELAY_MS: f64 = 8_000.0;
/// Longest `Retry-After` the client waits; a longer one ends the call at once.
pub const MAX_RETRY_AFTER_S: f64 = 60.0;

/// How long to wait before retry number `retry` (0 for the first retry), or
/// `None` when the server asked for a longer wait than [`MAX_RETRY_AFTER_S`].
/// `random` is uniform in `[0, 1)`.
pub fn delay_ms(retry: u32, retry_after: Option<f64>, random: f64) -> Option<f64> {
    match retry_after {
        Some(s) if s > MAX_RETRY_AFTER_S => None,
        Some(s) => Some(s * 1000.0),
        None => {
            let ceiling = (BASE_DELAY_MS * (1u32 << retry.min(16)) as f64).min(MAX_DELAY_MS);
            // Whole milliseconds; `as` truncates, which floors a non-negative value.
            Some(((random.clamp(0.0, 1.0) * ceiling) as u64) as f64)
        }
    }
}

/// Parses a `Retry-After` value, seconds or an HTTP date, into seconds from
/// `now_ms` (milliseconds since the Unix epoch). A date in the past is 0.
#[inline(never)]
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    // Header white space is ASCII (RFC 9110's OWS: space and tab).
    let value = value.trim_ascii();
    if !value.is_empty() && value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(|s| s as f64);
    }
    let at_ms = parse_http_date(value)? as f64 * 1000.0;
    let seconds = ((at_ms - now_ms) / 1000.0).max(0.0);
    // Rounded up to whole seconds (`as` truncates a non-negative value).
    let whole = seconds as u64 as f64;
    Some(if whole < seconds { whole + 1.0 } else { whole })
}

/// Seconds since the Unix epoch of an HTTP date in any of the three forms
/// RFC 9110 names: `Sun, 06 Nov 1994 08:49:37 GMT`,
/// `Sunday, 06-Nov-94 08:49:37 GMT` and `Sun Nov  6 08:49:37 1994`.
pub fn parse_http_date(s: &str) -> Option<i64> {
    const MONTHS: &[u8; 36] = b"janfebmaraprmayjunjulaugsepoctnovdec";
    let (mut month, mut time) = (None, None);
    // The day and the year, in that order, with the year's digit count.
    let mut numbers = [(0, 0); 2];
    let mut count = 0;
    // Byte slices, split with closures: `str`'s splitting and integer parsing
    // cost kilobytes of .wasm for what this needs.
    for token in s.as_bytes().split(|&b| matches!(b, b' ' | b',' | b'-')) {
        if token.is_empty() {
            continue;
        }
        if token.contains(&b':') {
            let mut hms = [0; 3];
            let mut parts = token.split(|&b| b == b':');
            for part in &mut hms {
                *part = digits(parts.next()?)?;
            }
            let [h, m, sec] = hms;
            (parts.next().is_none() && h < 24 && m < 60 && sec < 61).then_some(())?;
            time = Some(h * 3600 + m * 60 + sec);
        } else if let Some(n) = digits(token) {
            *numbers.get_mut(count)? = (token.len(), n);
            count += 1;
        } else if token.len() == 3 {
            month = MONTHS
                .chunks(3)
                .position(|m| m.eq_ignore_ascii_case(token))
                .map(|m| m as i64 + 1)
                .or(month);
        }
    }
    let [(_, day), (year_len, year)] = numbers;
    let year = match year_len {
        2 if year >= 70 => 1900 + year,
        2 => 2000 + year,
        4 => year,
        _ => return None,
    };
    (count == 2 && (1..=31).contains(&day)).then_some(())?;
    Some(days_from_civil(year, month?, day) * 86_400 + time?)
}

/// The value of 1 to 9 ASCII digits, or `None`.
fn digits(token: &[u8]) -> Option<i64> {
    if token.is_empty() || token.len() > 9 || !token.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(token.iter().fold(0, |n, &b| n * 10 + (b - b'0') as i64))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_full_jitter_and_a_cap() {
        assert_eq!(delay_ms(0, None, 0.999_999), Some(499.0));
        assert_eq!(delay_ms(1, None, 0.5), Some(500.0));
        assert_eq!(delay_ms(2, None, 0.999_999), Some(1999.0));
        assert_eq!(delay_ms(10, None, 0.999_999), Some(7999.0));
        assert_eq!(delay_ms(40, None, 1.0), Some(8000.0));
        assert_eq!(delay_ms(3, None, 0.0), Some(0.0));
    }

    #[test]
    fn retry_after_wins_within_the_cap() {
        assert_eq!(delay_ms(0, Some(2.0), 0.9), Some(2000.0));
        assert_eq!(delay_ms(0, Some(60.0), 0.9), Some(60_000.0));
        assert_eq!(delay_ms(0, Some(61.0), 0.9), None);
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Sun Nov  6 08:49:37 1994"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599)
        );
        assert_eq!(parse_http_date("soon"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37:01 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 1 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 19945 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 32 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:4x:37 GMT"), None);
        assert_eq!(
            parse_http_date("Sun, 06 nOV 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
    }

    #[test]
    fn retry_after_values() {
        let now = 784_111_777_000.0;
        assert_eq!(parse_retry_after("3", now), Some(3.0));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0.0));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(3.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(0.0)
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }
}
