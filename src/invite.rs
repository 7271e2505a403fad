//! How students find the classroom: the addresses to give them, and a QR code of one, drawn in
//! blocks so that a phone can read it off a terminal or a projector. The terminal, the start-up
//! screen and the classroom's doors all ask here.

use std::net::{IpAddr, SocketAddr};

use qrcode::render::Renderer;
use qrcode::render::unicode::Dense1x2;
use qrcode::{Color, EcLevel, QrCode};

use crate::html::query_value;

/// Modules of light margin around a code, for scanners to find its edge: half the standard's
/// four, which phones read off a screen and which leaves the code room to be drawn bigger.
const QUIET_ZONE: usize = 2;
const QUIET_ZONE_U32: u32 = QUIET_ZONE as u32;

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
/// not scanned); `None` when there is none.
pub fn code_of(invitations: &[String]) -> Option<Code> {
    let address = invitations
        .iter()
        .find(|line| line.starts_with("http://"))?;
    Code::of(address)
}

/// What every screen says when the addresses it shows name this machine only.
pub const THIS_MACHINE_ONLY: &str = "this machine only, phones cannot reach it";

/// What to do about it, in two short lines.
pub const TO_INVITE_OTHERS: [&str; 2] = [
    "To let phones in, start with --web 0.0.0.0:8080 --token WORD",
    "(or this machine's network address instead of 0.0.0.0).",
];

/// Whether another device (a student's phone) can reach the address in an invitation line (a
/// web address or an `ssh … user@host` command): not when its host is a loopback address,
/// `localhost`, or an unspecified address. Anything not understood is taken as reachable, so
/// that no warning is given wrongly.
pub fn reachable_from_others(invitation: &str) -> bool {
    let host = match invitation.split_once("://") {
        // A web address: host and port, an IPv6 host in brackets.
        Some((_, rest)) => {
            let host = rest.split(['/', '?']).next().unwrap_or("");
            match host.strip_prefix('[') {
                Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
                None => host.rsplit_once(':').map_or(host, |(name, _)| name),
            }
        }
        // An `ssh … user@host` command: the host alone, perhaps in brackets.
        None => invitation
            .split_whitespace()
            .last()
            .and_then(|target| target.rsplit_once('@').map(|(_, host)| host))
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']'),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return false;
    }
    match host.parse::<IpAddr>() {
        Ok(ip) => !(ip.is_loopback() || ip.is_unspecified()),
        Err(_) => true,
    }
}

/// Whether the invitations a screen shows can be used from other devices: the first web
/// address (the one the QR code holds), else the first line; none at all is not a warning.
pub fn others_can_join(invitations: &[String]) -> bool {
    invitations
        .iter()
        .find(|line| line.starts_with("http://"))
        .or_else(|| invitations.first())
        .is_none_or(|line| reachable_from_others(line))
}

/// A QR code to draw on a terminal. Drawn inverted: light modules are the blocks, dark ones
/// blank, so that it reads right as light text on a dark ground (scanners read the inverse);
/// whoever draws it sets white on black whatever the theme.
pub struct Code {
    modules: Vec<Color>,
    /// Modules across and down, without the quiet zone.
    width: usize,
}

impl Code {
    /// The code of `text`; `None` if the text is too long for any code.
    pub fn of(text: &str) -> Option<Code> {
        let code = QrCode::with_error_correction_level(text, EcLevel::M).ok()?;
        Some(Code {
            modules: code.to_colors(),
            width: code.width(),
        })
    }

    /// Modules across and down, quiet zone included.
    pub fn size(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// Two cells to a module across and one down, square on a terminal: where there is room.
    pub fn full_blocks(&self) -> Vec<String> {
        lines(
            Renderer::<char>::new(&self.modules, self.width, QUIET_ZONE_U32)
                .dark_color(' ')
                .light_color('█')
                .module_dimensions(2, 1)
                .build(),
        )
    }

    /// Two rows of modules to a line in half blocks (`█`, `▀`, `▄`), a cell across each: where
    /// room is short, and on the presenter's start-up screen.
    pub fn half_blocks(&self) -> Vec<String> {
        lines(
            Renderer::<Dense1x2>::new(&self.modules, self.width, QUIET_ZONE_U32)
                .dark_color(Dense1x2::Light)
                .light_color(Dense1x2::Dark)
                .build(),
        )
    }
}

fn lines(image: String) -> Vec<String> {
    image.lines().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_not_reachable_from_a_phone() {
        for here in [
            "http://127.0.0.1:8080/",
            "http://127.0.0.53:80/?token=a",
            "http://[::1]:8080/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://0.0.0.0:8080/",
            "http://[::]:8080/",
            "ssh -p 2222 class@127.0.0.1",
            "ssh -p 2222 class@localhost",
            "follow in a terminal: ssh -p 2222 class@::1",
            "ssh -p 2222 class@[::1]",
        ] {
            assert!(!reachable_from_others(here), "{here}");
        }
        for there in [
            "http://192.168.1.20:8080/",
            "http://[2001:db8::1]:8080/remote?secret=x",
            "http://classroom.example:8080/",
            "ssh -p 2222 class@10.0.0.5",
            "follow in a terminal: ssh -p 2222 class@2001:db8::7",
            "izumi follow 192.0.2.7:7878",
            "",
        ] {
            assert!(reachable_from_others(there), "{there}");
        }
    }

    #[test]
    fn the_web_address_decides_for_a_list() {
        let list = |lines: &[&str]| {
            lines
                .iter()
                .map(|line| (*line).to_owned())
                .collect::<Vec<_>>()
        };
        assert!(others_can_join(&[]));
        assert!(!others_can_join(&list(&[
            "ssh -p 2222 class@192.0.2.7",
            "http://127.0.0.1:8080/",
        ])));
        assert!(others_can_join(&list(&[
            "http://192.0.2.7:8080/",
            "http://127.0.0.1:8080/",
        ])));
        assert!(!others_can_join(&list(&["ssh -p 2222 class@127.0.0.1"])));
    }

    #[test]
    fn a_code_has_its_quiet_zone_and_finder_pattern() {
        let code = Code::of("http://192.0.2.7:8080/?token=abc").unwrap();
        let size = code.size();
        let rows = code.full_blocks();
        assert_eq!(rows.len(), size);
        assert!(rows.iter().all(|row| row.chars().count() == 2 * size));
        assert!(rows[0].chars().all(|c| c == '█'), "quiet zone");
        // The top-left finder pattern: a dark (blank) 7×7 ring just inside the quiet zone.
        let quiet = "██".repeat(QUIET_ZONE);
        assert!(rows[QUIET_ZONE].starts_with(&format!("{quiet}{}█", " ".repeat(14))));
        assert!(rows[QUIET_ZONE + 1].starts_with(&format!("{quiet}  ██")));
        let lines = code.half_blocks();
        assert_eq!(lines.len(), size.div_ceil(2));
        assert!(lines.iter().all(|line| line.chars().count() == size));
        assert!(lines[0].chars().all(|c| c == '█'));
        // An odd number of rows: the last line holds the quiet zone's last row, half a cell high.
        assert!(lines[lines.len() - 1].chars().all(|c| c == '▀'));
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
