//! Personal data at ingest: identifiers become keyed hashes (so joins still work but no
//! person is named), and phone numbers, e-mail addresses and IP addresses are cut out of
//! free text. Export columns with names, phones, e-mails or IPs are never mapped to a
//! canonical field, so they never reach the lake at all.

use sha2::{Digest, Sha256};

use crate::config::PiiMode;

#[derive(Debug, Clone)]
pub struct Privacy {
    pub mode: PiiMode,
    /// The HMAC key's inner and outer pads already absorbed (RFC 2104): each id then costs
    /// two SHA-256 blocks, not four (a million customers are a million ids).
    keyed: Hmac,
}

impl Privacy {
    pub fn new(mode: PiiMode, key: &[u8]) -> Privacy {
        Privacy {
            mode,
            keyed: Hmac::new(key),
        }
    }

    /// An identifier (customer id, interviewer) as the lake stores it.
    pub fn id(&self, v: Option<String>) -> Option<String> {
        let v = v?;
        match self.mode {
            PiiMode::Keep => Some(v),
            PiiMode::Drop => None,
            PiiMode::Hash => {
                let mac = self.keyed.mac(v.trim().as_bytes());
                let mut out = String::with_capacity(17);
                out.push('h');
                push_hex(&mut out, &mac[..8]);
                Some(out)
            }
        }
    }

    /// Free text with phone numbers, e-mail and IP addresses replaced (unless `keep`).
    pub fn text(&self, s: &str) -> String {
        match self.mode {
            PiiMode::Keep => s.to_string(),
            _ => redact(s),
        }
    }
}

/// HMAC-SHA256 (RFC 2104, the RustCrypto `hmac` crate) under one key: the state after the
/// key's pads, cloned for each message.
#[derive(Debug, Clone)]
struct Hmac(hmac::Hmac<Sha256>);

impl Hmac {
    fn new(key: &[u8]) -> Hmac {
        use hmac::Mac;
        Hmac(hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length"))
    }

    fn mac(&self, msg: &[u8]) -> [u8; 32] {
        use hmac::Mac;
        self.0
            .clone()
            .chain_update(msg)
            .finalize()
            .into_bytes()
            .into()
    }
}

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    Hmac::new(key).mac(msg)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 * b.len());
    push_hex(&mut s, b);
    s
}

/// Lower-case hex digits of `b`, appended to `out`.
fn push_hex(out: &mut String, b: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for x in b {
        out.push(DIGITS[(x >> 4) as usize] as char);
        out.push(DIGITS[(x & 15) as usize] as char);
    }
}

/// Replace e-mail addresses, phone-like digit runs (7–15 digits, possibly split by
/// spaces or dashes, optionally starting with +) and IPv4 addresses.
pub fn redact(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = email_at(&chars, i) {
            // Drop the local part already written.
            while out.ends_with(|c: char| is_local(c)) {
                out.pop();
            }
            out.push_str("[email]");
            i = end;
            continue;
        }
        if let Some(end) = ip_at(&chars, i) {
            out.push_str("[ip]");
            i = end;
            continue;
        }
        if let Some(end) = phone_at(&chars, i) {
            out.push_str("[phone]");
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-".contains(c)
}

/// At an `@` preceded by a local part and followed by a domain with a dot: the end of the
/// address.
fn email_at(c: &[char], i: usize) -> Option<usize> {
    if c[i] != '@' || i == 0 || !is_local(c[i - 1]) {
        return None;
    }
    let mut j = i + 1;
    while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '.' || c[j] == '-') {
        j += 1;
    }
    let domain: String = c[i + 1..j].iter().collect();
    let domain = domain.trim_end_matches('.');
    (domain.contains('.') && !domain.starts_with('.')).then_some(i + 1 + domain.chars().count())
}

fn digits_at(c: &[char], i: usize) -> usize {
    c[i..].iter().take_while(|x| x.is_ascii_digit()).count()
}

fn ip_at(c: &[char], i: usize) -> Option<usize> {
    if i > 0 && (c[i - 1].is_ascii_digit() || c[i - 1] == '.') {
        return None;
    }
    let mut j = i;
    for part in 0..4 {
        let n = digits_at(c, j);
        if n == 0 || n > 3 {
            return None;
        }
        j += n;
        if part < 3 {
            if c.get(j) != Some(&'.') {
                return None;
            }
            j += 1;
        }
    }
    (c.get(j).is_none_or(|x| !x.is_ascii_digit() && *x != '.')).then_some(j)
}

fn phone_at(c: &[char], i: usize) -> Option<usize> {
    if i > 0 && c[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut j = if c[i] == '+' { i + 1 } else { i };
    if j >= c.len() || !c[j].is_ascii_digit() {
        return None;
    }
    let (mut digits, mut end) = (0, j);
    let mut groups = vec![0usize];
    while j < c.len() {
        if c[j].is_ascii_digit() {
            digits += 1;
            *groups.last_mut().unwrap() += 1;
            j += 1;
            end = j;
        } else if (c[j] == '-' || c[j] == ' ') && c.get(j + 1).is_some_and(|x| x.is_ascii_digit()) {
            groups.push(0);
            j += 1;
        } else {
            break;
        }
    }
    // A date such as 2026-10-03 is digits and dashes too, but not a phone number.
    let date_like = groups.len() >= 3 && groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2;
    let next_ok = c.get(end).is_none_or(|x| !x.is_ascii_alphanumeric());
    ((7..=15).contains(&digits) && next_ok && !date_like).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?"
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_6_with_a_key_longer_than_a_block() {
        // RFC 4231 §4.7: a 131-byte key of 0xaa, hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn sha256_matches_fips_180_example() {
        // FIPS 180-2 appendix B.1: SHA-256("abc")
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn identifiers_are_hashed_kept_or_dropped() {
        let h = Privacy::new(PiiMode::Hash, b"k");
        let a = h.id(Some("M100001".into())).unwrap();
        assert_eq!(a.len(), 17);
        assert_eq!(
            h.id(Some(" M100001 ".into())).unwrap(),
            a,
            "same id, same hash"
        );
        assert_ne!(
            Privacy::new(PiiMode::Hash, b"other")
                .id(Some("M100001".into()))
                .unwrap(),
            a
        );
        assert_eq!(
            Privacy::new(PiiMode::Keep, b"k").id(Some("x".into())),
            Some("x".into())
        );
        assert_eq!(Privacy::new(PiiMode::Drop, b"k").id(Some("x".into())), None);
    }

    #[test]
    fn free_text_loses_phones_mails_and_ips() {
        assert_eq!(redact("请回电13812345678谢谢"), "请回电[phone]谢谢");
        assert_eq!(
            redact("电话 021-6543 2100，邮箱 wang.li@example.com。"),
            "电话 [phone]，邮箱 [email]。"
        );
        assert_eq!(redact("from 116.228.1.20 (上海)"), "from [ip] (上海)");
        assert_eq!(redact("+86 138 1234 5678"), "[phone]");
        // Not personal data: short numbers, dates, scores, member numbers with letters.
        for keep in [
            "送货晚了2天",
            "2026-10-03",
            "4.5分",
            "M104322",
            "订单123456",
        ] {
            assert_eq!(redact(keep), keep);
        }
    }
}
