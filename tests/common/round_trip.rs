//! Helpers of the round-trip tests (`tests/persist.rs`, `tests/safetensors.rs`): a
//! network's parameters as raw bits, and a seed network that starts with given values.

use backprop::Parameters;
use backprop::Scalar;
use backprop::network::SeedNetwork;
use backprop::rng::Rng;

/// Every parameter of `p`, in block order, as raw bits.
pub fn bits<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits_u64()).collect()
}

/// A seed network whose first parameters are `special` and the rest drawn from `N(0, 1)`.
pub fn network_with<T: Scalar>(special: &[T], seed: u64) -> SeedNetwork<T> {
    let mut net = SeedNetwork::<T>::default();
    let mut rng = Rng::new(seed);
    for block in net.blocks_mut() {
        rng.fill_normal(block, T::ZERO, T::ONE);
    }
    for (slot, v) in net.blocks_mut().flatten().zip(special) {
        *slot = *v;
    }
    net
}
