//! How students find the classroom: the addresses to give them, and a QR code of one, drawn in
//! half blocks so that a phone can read it off a terminal or a projector.

use std::net::{IpAddr, SocketAddr};

use qrcode::{Color, EcLevel, QrCode};

use super::page::query_value;

/// Modules of light margin around a code, as scanners expect.
const QUIET_ZONE: usize = 2;

/// The addresses a listener can be reached at from other machines: its own, or, when bound to
/// every interface (0.0.0.0 or ::), each of the machine's interface addresses, loopback last.
pub fn reachable(bound: SocketAddr) -> Vec<SocketAddr> {
    if !bound.ip().is_unspecified() {
        return vec![bound];
    }
    let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|interface| interface.ip())
        .filter(|ip| ip.is_ipv4() == bound.ip().is_ipv4() || bound.ip().is_ipv6())
        .collect();
    found.sort_by_key(|ip| (ip.is_loopback(), ip.is_ipv6()));
    found.dedup();
    found
        .into_iter()
        .map(|ip| SocketAddr::new(ip, bound.port()))
        .collect()
}

/// The follower's address, with the token when there is one.
pub fn follower_url(at: SocketAddr, token: Option<&str>) -> String {
    match token {
        Some(token) => format!("http://{at}/?token={}", query_value(token)),
        None => format!("http://{at}/"),
    }
}

/// The remote's address, with the console secret.
pub fn remote_url(at: SocketAddr, secret: &str) -> String {
    format!("http://{at}/remote?secret={}", query_value(secret))
}

/// The QR code of a list of invitations: of its first web address (an `ssh` command is typed,
/// not scanned), as rows of modules; `None` when there is none.
pub fn code_of(invitations: &[String]) -> Option<Vec<Vec<bool>>> {
    let address = invitations
        .iter()
        .find(|line| line.starts_with("http://"))?;
    modules(address)
}

/// A QR code of `text` as rows of dark (`true`) and light modules, quiet zone included; `None`
/// if the text is too long for any code.
pub fn modules(text: &str) -> Option<Vec<Vec<bool>>> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M).ok()?;
    let width = code.width();
    let colours = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let mut rows = vec![vec![false; size]; size];
    for (index, colour) in colours.iter().enumerate() {
        rows[index / width + QUIET_ZONE][index % width + QUIET_ZONE] = *colour == Color::Dark;
    }
    Some(rows)
}

/// The code in half blocks, two rows of modules to a line, light modules drawn (`█`, `▀`, `▄`)
/// and dark ones left blank: right on a terminal with light text on a dark ground, and phones
/// read the inverse on a light one.
pub fn half_blocks(modules: &[Vec<bool>]) -> Vec<String> {
    modules
        .chunks(2)
        .map(|pair| {
            let top = &pair[0];
            let bottom = pair.get(1);
            (0..top.len())
                .map(|column| {
                    let light_top = !top[column];
                    let light_bottom = bottom.is_none_or(|row| !row[column]);
                    match (light_top, light_bottom) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_has_its_quiet_zone_and_finder_pattern() {
        let rows = modules("http://192.0.2.7:8080/?token=abc").unwrap();
        assert_eq!(rows.len(), rows[0].len());
        assert!(rows[0].iter().all(|dark| !dark), "quiet zone");
        // The top-left finder pattern: a dark 7×7 ring just inside the quiet zone.
        assert!((0..7).all(|i| rows[QUIET_ZONE][QUIET_ZONE + i]));
        assert!(!rows[QUIET_ZONE + 1][QUIET_ZONE + 1]);
        let lines = half_blocks(&rows);
        assert_eq!(lines.len(), rows.len().div_ceil(2));
        assert!(lines[0].chars().all(|c| c == '█'));
    }

    #[test]
    fn addresses_carry_the_token_encoded() {
        let at: SocketAddr = "192.0.2.7:8080".parse().unwrap();
        assert_eq!(
            follower_url(at, Some("a b&c")),
            "http://192.0.2.7:8080/?token=a%20b%26c"
        );
        assert_eq!(
            remote_url(at, "s/1"),
            "http://192.0.2.7:8080/remote?secret=s%2F1"
        );
        assert_eq!(reachable(at), vec![at]);
    }

    #[test]
    fn every_interface_is_named_not_the_unspecified_address() {
        let found = reachable("0.0.0.0:8080".parse().unwrap());
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|at| !at.ip().is_unspecified() && at.port() == 8080)
        );
    }
}
