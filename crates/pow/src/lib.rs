//! `pow`, the one function izumi's binary needs from the C maths library (tokio's scheduler and
//! Rust's `f64::powf` call it), defined here from the `libm` crate. With the symbol in the binary
//! itself the linker leaves glibc's shared libm out (it links only what is needed), and every
//! start-up stops mapping half a megabyte of it. This is the only unsafe attribute in izumi: a
//! C symbol must be exported unmangled.
#![no_std]

/// `x` raised to the power `y`, as C's `pow`.
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}
