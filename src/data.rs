//! Data sets: CSV loading, splits, standardisation (to be written).
