//! Who may come in, one rule for every door (TCP, web, SSH): connections are counted from the
//! moment they are accepted to the moment they close, in all and per address, whatever state
//! they are in, so that one student with a script can hold a few places but never the room.
//! The totals fit under the process's descriptor limit, which is raised to its hard limit at
//! start. A few places beyond the total are kept for the presenter's own console and remote,
//! one per address, and a connection given one must prove it is the presenter's.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use super::log::EventLog;

/// Browsers following (event streams) at once through the web door, unless the presenter says
/// otherwise (`--web-followers`).
pub const WEB_FOLLOWERS: usize = 500;
/// Connections through the web door beyond the followers' own: page loads, the remote, assets.
pub const WEB_OTHER_CONNECTIONS: usize = 64;

/// Descriptors kept for the presenter's own files: the story, the log, the terminal, the file
/// watcher, the runtime's own, and the listening sockets.
const OWN_DESCRIPTORS: u64 = 64;

/// A way into the classroom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Door {
    /// The presenter's console and `izumi follow`, over the classroom protocol.
    Tcp,
    /// The follower's page and the remote.
    Web,
    /// Students' terminals over SSH.
    Ssh,
}

impl Door {
    /// Whether the presenter's console or remote comes in by this door, so that it may be given
    /// a place kept for them.
    fn serves_the_presenter(self) -> bool {
        matches!(self, Door::Tcp | Door::Web)
    }

    fn index(self) -> usize {
        match self {
            Door::Tcp => 0,
            Door::Web => 1,
            Door::Ssh => 2,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Door::Tcp => "tcp",
            Door::Web => "web",
            Door::Ssh => "ssh",
        }
    }
}

/// How many may be in at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// Connections open at once through every door (each holds a descriptor).
    pub total: usize,
    /// Connections from one address, in any state, through every door: a student's browser
    /// opens a few at once, their terminal one; a script opening hundreds is held to this.
    pub per_address: usize,
    /// Of those, still setting up (no hello, no terminal, no event stream yet): the state a
    /// silent socket stays in, so the one most worth bounding.
    pub setting_up_per_address: usize,
    /// Places beyond `total` for the presenter's console and remote, one per address.
    pub reserved: usize,
}

impl Caps {
    /// Per address unless the presenter says otherwise (`--per-address`).
    pub const PER_ADDRESS: u16 = 32;
    pub const SETTING_UP_PER_ADDRESS: usize = 8;
    pub const RESERVED: usize = 4;

    /// Caps for `wanted` connections in all, shrunk to fit `descriptors` if they must.
    pub fn fitting(wanted: usize, per_address: usize, descriptors: u64) -> Caps {
        let room = descriptors.saturating_sub(OWN_DESCRIPTORS + Caps::RESERVED as u64);
        let per_address = per_address.max(1);
        let total = usize::try_from(room).unwrap_or(usize::MAX).min(wanted);
        Caps {
            total,
            per_address,
            setting_up_per_address: Caps::SETTING_UP_PER_ADDRESS.min(per_address),
            reserved: Caps::RESERVED,
        }
    }
}

/// The descriptor limit, as found and as raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Descriptors {
    pub was: u64,
    pub now: u64,
}

/// Raises the soft limit on open files to the hard limit: the usual soft limit (1,024) is far
/// below what a classroom of browsers holds, and the hard limit is the process's to take.
pub fn raise_descriptor_limit() -> Descriptors {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    // "Unlimited" is taken as a large number rather than trusted.
    let was = limit.current.unwrap_or(1 << 20);
    let hard = limit.maximum.unwrap_or(1 << 20);
    if hard > was
        && setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(hard),
                maximum: limit.maximum,
            },
        )
        .is_ok()
    {
        return Descriptors { was, now: hard };
    }
    Descriptors { was, now: was }
}

/// Who is in the room, door by door.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Room {
    /// Connections through each door (TCP, web, SSH), in any state.
    pub connections: [usize; 3],
    /// Of those, still setting up.
    pub setting_up: [usize; 3],
    /// Addresses with at least one connection.
    pub addresses: usize,
}

impl Room {
    pub fn through(&self, door: Door) -> usize {
        self.connections[door.index()]
    }
}

/// What one address holds.
#[derive(Clone, Copy, Debug, Default)]
struct Held {
    all: usize,
    setting_up: usize,
    reserved: usize,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    reserved: usize,
    by_address: HashMap<IpAddr, Held>,
    room: Room,
}

/// Every door's admission.
#[derive(Debug)]
pub struct Doors {
    caps: Caps,
    open: Mutex<Open>,
    log: Arc<EventLog>,
}

/// Why a connection was closed at the door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Every place is taken.
    Full,
    /// This address holds as many as one may.
    AddressFull,
    /// This address holds as many still setting up as one may.
    AddressSettingUp,
}

impl Refusal {
    pub fn describe(self) -> &'static str {
        match self {
            Refusal::Full => "the classroom is full",
            Refusal::AddressFull => "too many connections from this address",
            Refusal::AddressSettingUp => "too many connections setting up from this address",
        }
    }
}

impl Doors {
    pub fn new(caps: Caps, log: Arc<EventLog>) -> Arc<Doors> {
        Arc::new(Doors {
            caps,
            open: Mutex::default(),
            log,
        })
    }

    pub fn caps(&self) -> Caps {
        self.caps
    }

    /// A place for a connection just accepted through `door` from `peer`, or the reason there is
    /// none (written to the log, which summarises a flood per address and per second).
    pub fn admit(self: &Arc<Self>, door: Door, peer: SocketAddr) -> Result<Pass, Refusal> {
        let ip = canonical(peer.ip());
        let admitted = {
            let mut open = lock(&self.open);
            let held = open.by_address.get(&ip).copied().unwrap_or_default();
            if held.all >= self.caps.per_address {
                Err(Refusal::AddressFull)
            } else if held.setting_up >= self.caps.setting_up_per_address {
                Err(Refusal::AddressSettingUp)
            } else if open.total < self.caps.total {
                Ok(false)
            } else if door.serves_the_presenter()
                && open.reserved < self.caps.reserved
                && held.reserved == 0
            {
                Ok(true)
            } else {
                Err(Refusal::Full)
            }
            .inspect(|&reserved| {
                open.total += 1;
                open.reserved += usize::from(reserved);
                let held = open.by_address.entry(ip).or_default();
                held.all += 1;
                held.setting_up += 1;
                held.reserved += usize::from(reserved);
                open.room.connections[door.index()] += 1;
                open.room.setting_up[door.index()] += 1;
                open.room.addresses = open.by_address.len();
            })
        };
        match admitted {
            Ok(reserved) => Ok(Pass {
                doors: Arc::clone(self),
                ip,
                door,
                setting_up: true,
                reserved,
            }),
            Err(refusal) => {
                self.log.write(
                    Some(peer),
                    &format!("{} refused: {}", door.name(), refusal.describe()),
                );
                Err(refusal)
            }
        }
    }

    /// Who is in now.
    pub fn room(&self) -> Room {
        lock(&self.open).room
    }

    /// One line for the log at start: what the room can take and why.
    pub fn describe(&self, descriptors: Descriptors) -> String {
        let Caps {
            total,
            per_address,
            setting_up_per_address,
            reserved,
        } = self.caps;
        format!(
            "doors: descriptor limit {} (was {}); at most {total} connections in all, \
             {per_address} from one address ({setting_up_per_address} still setting up), \
             {reserved} kept for the presenter's console and remote",
            descriptors.now, descriptors.was
        )
    }
}

/// One connection's place, given back when it is dropped.
#[derive(Debug)]
pub struct Pass {
    doors: Arc<Doors>,
    ip: IpAddr,
    door: Door,
    setting_up: bool,
    reserved: bool,
}

impl Pass {
    /// The connection is set up (joined, has a terminal, streams events): it no longer counts
    /// against its address's places for connections setting up.
    pub fn set_up(&mut self) {
        if !self.setting_up {
            return;
        }
        self.setting_up = false;
        let mut open = lock(&self.doors.open);
        if let Some(held) = open.by_address.get_mut(&self.ip) {
            held.setting_up -= 1;
        }
        open.room.setting_up[self.door.index()] -= 1;
    }

    /// Whether this is one of the places kept for the presenter: the door must let it go on
    /// only as the presenter's console or remote.
    pub fn is_reserved(&self) -> bool {
        self.reserved
    }

    pub fn door(&self) -> Door {
        self.door
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let mut open = lock(&self.doors.open);
        open.total -= 1;
        open.reserved -= usize::from(self.reserved);
        let index = self.door.index();
        open.room.connections[index] -= 1;
        if self.setting_up {
            open.room.setting_up[index] -= 1;
        }
        if let Some(held) = open.by_address.get_mut(&self.ip) {
            held.all -= 1;
            held.setting_up -= usize::from(self.setting_up);
            held.reserved -= usize::from(self.reserved);
            if held.all == 0 {
                open.by_address.remove(&self.ip);
            }
        }
        open.room.addresses = open.by_address.len();
    }
}

/// An IPv4 client reaching an IPv6 socket is still one IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// A poisoned lock only means another connection's thread panicked; the counts are still right.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doors(total: usize) -> Arc<Doors> {
        Doors::new(
            Caps {
                total,
                per_address: 4,
                setting_up_per_address: 2,
                reserved: 1,
            },
            Arc::new(EventLog::new(None, 0)),
        )
    }

    fn peer(last: u8) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, last], 40000))
    }

    #[test]
    fn one_address_holds_only_its_share_in_every_state() {
        let doors = doors(100);
        let mut first = doors.admit(Door::Web, peer(2)).unwrap();
        let _second = doors.admit(Door::Ssh, peer(2)).unwrap();
        assert_eq!(
            doors.admit(Door::Tcp, peer(2)).unwrap_err(),
            Refusal::AddressSettingUp
        );
        first.set_up();
        let mut third = doors.admit(Door::Tcp, peer(2)).unwrap();
        third.set_up();
        let _other = doors.admit(Door::Web, peer(3)).unwrap();
        // Set up or not, four is all one address may hold.
        let mut fourth = doors.admit(Door::Web, peer(2)).unwrap();
        fourth.set_up();
        assert_eq!(
            doors.admit(Door::Web, peer(2)).unwrap_err(),
            Refusal::AddressFull
        );
        drop(fourth);
        assert!(doors.admit(Door::Web, peer(2)).is_ok());
    }

    #[test]
    fn a_full_room_keeps_one_place_per_address_for_the_presenter() {
        let doors = doors(2);
        let _a = doors.admit(Door::Web, peer(2)).unwrap();
        let _b = doors.admit(Door::Web, peer(3)).unwrap();
        let reserved = doors.admit(Door::Tcp, peer(1)).unwrap();
        assert!(reserved.is_reserved());
        assert_eq!(
            doors.admit(Door::Tcp, peer(4)).unwrap_err(),
            Refusal::Full,
            "the only reserved place is taken"
        );
        drop(reserved);
        assert_eq!(
            doors.admit(Door::Ssh, peer(1)).unwrap_err(),
            Refusal::Full,
            "no presenter comes in over SSH"
        );
        assert!(doors.admit(Door::Tcp, peer(1)).unwrap().is_reserved());
    }

    #[test]
    fn places_are_given_back_and_the_room_counted() {
        let doors = doors(10);
        {
            let mut set_up = doors.admit(Door::Ssh, peer(5)).unwrap();
            set_up.set_up();
            let _waiting = doors.admit(Door::Web, peer(6)).unwrap();
            let room = doors.room();
            assert_eq!(room.through(Door::Ssh), 1);
            assert_eq!(room.setting_up, [0, 1, 0]);
            assert_eq!(room.addresses, 2);
        }
        assert_eq!(doors.room(), Room::default());
    }

    #[test]
    fn caps_fit_under_the_descriptor_limit() {
        let caps = Caps::fitting(1850, 32, 1024);
        assert!(caps.total + caps.reserved + OWN_DESCRIPTORS as usize <= 1024);
        assert_eq!(Caps::fitting(1850, 32, 1 << 20).total, 1850);
    }

    #[test]
    fn an_ipv4_client_on_an_ipv6_socket_is_counted_as_itself() {
        let doors = doors(100);
        let mapped: SocketAddr = "[::ffff:127.0.0.9]:1".parse().unwrap();
        let _a = doors.admit(Door::Web, mapped).unwrap();
        let _b = doors.admit(Door::Web, peer(9)).unwrap();
        assert_eq!(
            doors.admit(Door::Web, peer(9)).unwrap_err(),
            Refusal::AddressSettingUp
        );
    }
}
