//! What the presenter shows, for the audiences served from inside the presenting process (the
//! web page and SSH): one value each of them watches, changed only by the presenter's loop.

use tokio::sync::watch;

/// Where the presentation is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    /// The scene on the projector.
    pub scene: usize,
    /// The furthest scene shown so far: followers may read back to the start, and up to here.
    pub furthest: usize,
    /// The presenter's timer, in milliseconds, and whether it runs.
    pub timer_ms: u64,
    pub running: bool,
}

/// The presenter's side: it says where the presentation is, and any number of audiences watch.
#[derive(Debug)]
pub struct Stage {
    shown: watch::Sender<Option<Shown>>,
}

impl Default for Stage {
    fn default() -> Self {
        Stage {
            shown: watch::Sender::new(None),
        }
    }
}

impl Stage {
    /// The presentation is at `scene`; the furthest scene shown only ever grows.
    pub fn show(&self, scene: usize, timer_ms: u64, running: bool) {
        self.shown.send_modify(|shown| {
            let furthest = shown.map_or(scene, |shown| shown.furthest.max(scene));
            *shown = Some(Shown {
                scene,
                furthest,
                timer_ms,
                running,
            });
        });
    }

    /// A view for one audience: `None` until the presenter has shown a first scene. Watching
    /// never blocks the presenter; a watcher that falls behind sees only the latest value.
    pub fn watch(&self) -> watch::Receiver<Option<Shown>> {
        self.shown.subscribe()
    }

    /// Where the presentation is now.
    pub fn now(&self) -> Option<Shown> {
        *self.shown.borrow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_furthest_scene_only_grows() {
        let stage = Stage::default();
        let watcher = stage.watch();
        assert_eq!(*watcher.borrow(), None);
        stage.show(4, 0, false);
        stage.show(2, 1500, true);
        assert_eq!(
            stage.now(),
            Some(Shown {
                scene: 2,
                furthest: 4,
                timer_ms: 1500,
                running: true
            })
        );
        assert!(watcher.has_changed().unwrap());
        stage.show(7, 0, true);
        assert_eq!(watcher.borrow().map(|shown| shown.furthest), Some(7));
    }
}
