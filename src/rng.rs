//! A small seeded pseudo-random number generator (to be written).
