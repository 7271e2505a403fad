//! The names this server answers to. A page a student's browser loaded from another site can
//! make that site's name point at this machine (DNS rebinding) and then read what izumi serves
//! as if it were that site's own; the browser still says which name it asked for in `Host`, so
//! a request for any name but izumi's own addresses is refused.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::invite;

/// How often the machine's addresses may be listed again, when a request names one not known
/// (the Wi-Fi gave a new address, say).
const RELIST: Duration = Duration::from_secs(5);

/// The addresses a server bound to one address, or to all of the machine's, answers to.
pub struct Hosts {
    bound: SocketAddr,
    /// The machine's addresses when bound to all of them, and when they were listed.
    listed: Mutex<(Vec<SocketAddr>, Instant)>,
}

impl Hosts {
    pub fn new(bound: SocketAddr) -> Hosts {
        Hosts {
            bound,
            listed: Mutex::new((invite::reachable(bound), Instant::now())),
        }
    }

    /// Whether a `Host` header names this server: one of its addresses with its port, or
    /// `localhost` when it listens on loopback. No header, no answer.
    pub fn serves(&self, host: Option<&str>) -> bool {
        let Some((name, port)) = host.and_then(split_host) else {
            return false;
        };
        if port != self.bound.port() {
            return false;
        }
        let ip = match name.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) if name.eq_ignore_ascii_case("localhost") => {
                return self.bound.ip().is_loopback() || self.bound.ip().is_unspecified();
            }
            Err(_) => return false,
        };
        if !self.bound.ip().is_unspecified() {
            return ip == self.bound.ip();
        }
        let at = SocketAddr::new(ip, port);
        let mut listed = self.listed.lock().unwrap_or_else(|p| p.into_inner());
        if !listed.0.contains(&at) && listed.1.elapsed() > RELIST {
            *listed = (invite::reachable(self.bound), Instant::now());
        }
        listed.0.contains(&at)
    }
}

/// `name:port`, `[v6]:port`, or a name alone (port 80), as the name and the port.
fn split_host(host: &str) -> Option<(&str, u16)> {
    if let Some(rest) = host.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((name, port.parse().ok()?)),
            None if after.is_empty() => Some((name, 80)),
            None => None,
        };
    }
    match host.split_once(':') {
        Some((name, port)) => Some((name, port.parse().ok()?)),
        None => Some((host, 80)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_served_address_and_localhost_on_loopback_are_answered() {
        let hosts = Hosts::new("127.0.0.1:8080".parse().unwrap());
        assert!(hosts.serves(Some("127.0.0.1:8080")));
        assert!(hosts.serves(Some("localhost:8080")));
        assert!(hosts.serves(Some("LocalHost:8080")));
        for refused in [
            None,
            Some("evil.example:8080"),
            Some("evil.example"),
            Some("127.0.0.1:8081"),
            Some("127.0.0.2:8080"),
            Some("127.0.0.1"),
            Some("127.0.0.1:8080.evil.example"),
            Some(""),
        ] {
            assert!(!hosts.serves(refused), "{refused:?}");
        }
        let v6 = Hosts::new("[::1]:80".parse().unwrap());
        assert!(v6.serves(Some("[::1]")));
        assert!(v6.serves(Some("[::1]:80")));
        assert!(!v6.serves(Some("[::2]:80")));
    }

    #[test]
    fn all_interfaces_answer_for_each_of_the_machine_s_addresses() {
        let hosts = Hosts::new("0.0.0.0:8080".parse().unwrap());
        assert!(hosts.serves(Some("127.0.0.1:8080")));
        assert!(hosts.serves(Some("localhost:8080")));
        for at in invite::reachable("0.0.0.0:8080".parse().unwrap()) {
            assert!(hosts.serves(Some(&at.to_string())), "{at}");
        }
        assert!(!hosts.serves(Some("192.0.2.1:8080")));
        assert!(!hosts.serves(Some("rebound.evil.example:8080")));
    }
}
