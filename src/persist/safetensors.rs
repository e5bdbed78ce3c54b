//! Reading and writing a network's parameters as a [safetensors] file, the format of
//! Hugging Face's `safetensors` library, which PyTorch, JAX and NumPy users read and
//! write.
//!
//! A file is 8 bytes holding `n`, a little-endian `u64`; then `n` bytes of a JSON
//! object, padded with spaces; then the data buffer. The JSON maps each tensor's name to
//! `{"dtype": "F64", "shape": [4, 3], "data_offsets": [begin, end]}`: its bytes are
//! `data[begin..end]`, little-endian, row-major. A key `"__metadata__"` may map strings
//! to strings.
//!
//! # Names and shapes
//!
//! By default ([`Naming::Sequential`]) the names are PyTorch's for
//! `nn.Sequential(nn.Linear(…), act, nn.Linear(…), act, …)`, whose layer `k` (from 0) is
//! module `2k`:
//!
//! | block | name | shape written | shapes read |
//! |---|---|---|---|
//! | `W[1]`, `(O, I)` | `0.weight` | `[O, I]` | `[O, I]` |
//! | `b[1]`, `(O, 1)` | `0.bias` | `[O]` | `[O]` or `[O, 1]` |
//! | `W[2]`, `b[2]` | `2.weight`, `2.bias` | | |
//! | `W[3]`, `b[3]` | `4.weight`, `4.bias` | | |
//!
//! `nn.Linear.weight` is `(out, in)`, the crate's `W`, so nothing is transposed. Other
//! names are chosen with [`Naming::Modules`] (`fc1.weight` …) or [`Naming::Tensors`]
//! (every name given). A network of [`HeapDense`](crate::layer::HeapDense) layers is
//! named and stored as its [`Dense`](crate::Dense) twin.
//!
//! A safetensors file holds tensors only, not the activations: the network's type
//! supplies them, and nothing can check that they are the ones the file was trained
//! with (the crate's own format in [`persist`](super) records them). PyTorch's
//! `nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.ReLU(), nn.Linear(2,
//! 1))` trained with `BCEWithLogitsLoss` is [`SeedNetwork`](crate::SeedNetwork) with
//! [`SigmoidCrossEntropy`](crate::SigmoidCrossEntropy).
//!
//! # Scalar types
//!
//! An `f32` network writes `F32` tensors and an `f64` network `F64`, bit for bit. On
//! reading, `F32` data loads into an `f64` network exactly (every `f32` is an `f64`);
//! `F64` data into an `f32` network is refused unless [`Options::round_to_f32`] asks
//! for rounding to nearest (a value beyond `f32`'s range is still refused). Every other
//! dtype (`F16`, `BF16`, `I64` …) is refused, naming the tensor and the dtype.
//!
//! # What is checked
//!
//! Reading checks the whole file before it writes anything, so a failed
//! [`from_bytes`] or [`load`] leaves the network unchanged. Refused: a header length
//! beyond the file or above the format's 100 MB limit; a header that is not UTF-8, not
//! JSON, or has anything but whitespace after its object; the same key twice in an
//! object; a tensor without `dtype`, `shape` or `data_offsets`, or with another field;
//! a negative or non-integer shape entry or offset; `begin > end`; an `end` beyond the
//! data buffer; a byte size other than the product of the shape times the dtype's size;
//! tensors that overlap, leave a hole between them, or leave bytes after the last (the
//! format requires the buffer to be exactly covered); a `__metadata__` that is not an
//! object of strings. Then, against the network: a tensor it needs and the file lacks;
//! a tensor in the file it does not use (unless [`Options::ignore_extra_tensors`]); a
//! dtype it cannot read; a shape other than the block's; a NaN or infinite value.
//!
//! Errors about the file's content are [`Error::Parse`] with `line` and `column` in the
//! JSON header's text (the header is usually one line, and then `column` is its byte
//! offset plus 1), and the message gives the 0-based header and file offsets; an error
//! that is not at one place of the header (the length field, a value in the data
//! buffer, a tensor the file lacks) has `line` 1 and `column` 0. A naming that gives too
//! few or repeated names is [`Error::Invalid`]; a file that cannot be read or written,
//! [`Error::Io`].
//!
//! # Writing
//!
//! Tensors are laid out in the order of their names (byte by byte), with no
//! `__metadata__` unless [`Options::metadata`] adds entries; the header is padded with
//! spaces to a multiple of 8 bytes. This is the layout the `safetensors` library itself
//! writes, so the bytes are those of `safetensors.torch.save_file` for the same tensors
//! (with at most one metadata entry: the library orders several its own way);
//! `tests/safetensors.rs` checks it on files the library wrote.
//!
//! ```
//! use backprop::network::{SeedNetwork, seed_network};
//! use backprop::persist::safetensors;
//! use backprop::rng::Rng;
//! use backprop::Parameters;
//!
//! let net: SeedNetwork<f64> = seed_network(&mut Rng::new(7));
//! let bytes = safetensors::to_bytes(&net);
//! // In Python: safetensors.torch.load(bytes) gives 0.weight (4, 3), 0.bias (4,), …
//! let header_length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
//! let header = std::str::from_utf8(&bytes[8..8 + header_length]).unwrap();
//! assert!(header.starts_with(r#"{"0.bias":{"dtype":"F64","shape":[4],"data_offsets":[0,32]}"#));
//!
//! let mut copy = SeedNetwork::<f64>::default();
//! safetensors::from_bytes(&mut copy, &bytes)?;
//! assert!(copy.blocks().flatten().zip(net.blocks().flatten()).all(|(a, b)| a == b));
//!
//! // A file with other names: PyTorch's `self.fc1 = nn.Linear(3, 4)` …
//! let options = safetensors::Options::new()
//!     .naming(safetensors::Naming::Modules(vec!["fc1".into(), "fc2".into(), "fc3".into()]));
//! let renamed = safetensors::to_bytes_with(&net, &options)?;
//! assert!(safetensors::from_bytes(&mut copy, &renamed).is_err()); // no tensor "0.weight"
//! safetensors::from_bytes_with(&mut copy, &renamed, &options)?;
//! # Ok::<(), backprop::Error>(())
//! ```
//!
//! [safetensors]: https://github.com/huggingface/safetensors

mod header;
mod json;
mod read;

use crate::error::{Error, Result, quoted};
use crate::params::Parameters;
use crate::scalar::Scalar;
use std::collections::HashSet;
use std::path::Path;

/// How the tensors of a file are named, block by block. Every name must be distinct
/// and none may be `__metadata__`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Naming {
    /// PyTorch's `nn.Sequential(Linear, act, Linear, act, …)`: layer `k` (counted from
    /// 0) is module `2k`, so `0.weight`, `0.bias`, `2.weight`, `2.bias`, …
    #[default]
    Sequential,
    /// One module name per layer, in order: layer `k`'s tensors are `{name}.weight` and
    /// `{name}.bias`. For a model whose layers are `self.fc1`, `self.fc2`, `self.fc3`,
    /// `vec!["fc1".into(), "fc2".into(), "fc3".into()]`; for an `nn.Sequential` kept in
    /// `self.layers`, `(0..3).map(|k| format!("layers.{}", 2 * k)).collect()`.
    Modules(Vec<String>),
    /// Every tensor's name, in the order of [`Parameters::blocks`]: `W[1]`, `b[1]`,
    /// `W[2]`, … The tensors are still written and read with the crate's shapes, so a
    /// weight must be `(out, in)` in the file (Keras and Flax store the transpose).
    Tensors(Vec<String>),
}

impl Naming {
    /// The names of `net`'s blocks under this naming, in block order.
    ///
    /// # Errors
    /// [`Error::Invalid`] if [`Naming::Modules`] or [`Naming::Tensors`] has another
    /// number of names than the network has layers or blocks, or if a name repeats or
    /// is `__metadata__`.
    pub fn tensor_names<T: Scalar, N: Parameters<T>>(&self, net: &N) -> Result<Vec<String>> {
        self.names(net.block_shapes().count())
    }

    /// The names of `blocks` blocks.
    fn names(&self, blocks: usize) -> Result<Vec<String>> {
        let wrong_count = |what: &str, given: usize, needed: usize| {
            Error::invalid(format!(
                "the naming has {given} {what} names, but the network has {needed} {what}s"
            ))
        };
        let names: Vec<String> = match self {
            Naming::Sequential => sequential(blocks),
            Naming::Modules(modules) => {
                if modules.len() != blocks.div_ceil(2) {
                    return Err(wrong_count("layer", modules.len(), blocks.div_ceil(2)));
                }
                (0..blocks)
                    .map(|k| format!("{}.{}", modules[k / 2], suffix(k)))
                    .collect()
            }
            Naming::Tensors(names) => {
                if names.len() != blocks {
                    return Err(wrong_count("block", names.len(), blocks));
                }
                names.clone()
            }
        };
        let mut seen = HashSet::new();
        for name in &names {
            if name == "__metadata__" {
                return Err(Error::invalid(
                    "a tensor cannot be named \"__metadata__\": the format reserves it",
                ));
            }
            if !seen.insert(name.as_str()) {
                return Err(Error::invalid(format!(
                    "the naming gives two blocks the name {}",
                    quoted(name)
                )));
            }
        }
        Ok(names)
    }
}

/// `weight` for a layer's even block, `bias` for its odd one.
fn suffix(k: usize) -> &'static str {
    if k % 2 == 0 { "weight" } else { "bias" }
}

/// The [`Naming::Sequential`] names of `blocks` blocks, distinct and never
/// `__metadata__`.
fn sequential(blocks: usize) -> Vec<String> {
    (0..blocks)
        .map(|k| format!("{}.{}", k / 2 * 2, suffix(k)))
        .collect()
}

/// What [`to_bytes_with`], [`save_with`], [`from_bytes_with`] and [`load_with`] do
/// differently from the defaults: [`Naming::Sequential`], extra tensors refused, `F64`
/// into `f32` refused, no metadata.
///
/// ```
/// use backprop::persist::safetensors::{Naming, Options};
/// let options = Options::new()
///     .naming(Naming::Modules(vec!["fc1".into(), "fc2".into(), "fc3".into()]))
///     .ignore_extra_tensors()
///     .metadata("format", "pt");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    naming: Naming,
    ignore_extra_tensors: bool,
    round_to_f32: bool,
    metadata: Vec<(String, String)>,
}

impl Options {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the tensors with `naming` (reading and writing).
    pub fn naming(mut self, naming: Naming) -> Self {
        self.naming = naming;
        self
    }

    /// Reading: tensors the network does not use are skipped instead of refused (a
    /// checkpoint with an optimizer's state or a batch-norm counter). They must still be
    /// well-formed and in place in the buffer.
    pub fn ignore_extra_tensors(mut self) -> Self {
        self.ignore_extra_tensors = true;
        self
    }

    /// Reading into an `f32` network: `F64` tensors are rounded to the nearest `f32`
    /// instead of refused. A value beyond `f32`'s range is refused all the same.
    pub fn round_to_f32(mut self) -> Self {
        self.round_to_f32 = true;
        self
    }

    /// Writing: adds `key: value` to the header's `__metadata__`, in the order added
    /// (`"format": "pt"` is what Hugging Face's `transformers` looks for). Reading
    /// ignores it.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }
}

/// The parameters of `net` as a safetensors file, with the default [`Options`].
pub fn to_bytes<T: Scalar, N: Parameters<T>>(net: &N) -> Vec<u8> {
    write(net, &sequential(net.block_shapes().count()), &[])
}

/// The parameters of `net` as a safetensors file, named and with metadata as `options`
/// say.
///
/// # Errors
/// [`Error::Invalid`] if the naming does not fit the network (see
/// [`Naming::tensor_names`]) or a metadata key repeats.
pub fn to_bytes_with<T: Scalar, N: Parameters<T>>(net: &N, options: &Options) -> Result<Vec<u8>> {
    let names = options.naming.names(net.block_shapes().count())?;
    let mut keys = HashSet::new();
    for (key, _) in &options.metadata {
        if !keys.insert(key) {
            return Err(Error::invalid(format!(
                "the metadata key {} is given twice",
                quoted(key)
            )));
        }
    }
    Ok(write(net, &names, &options.metadata))
}

/// The file: `names` are distinct and not `__metadata__`, metadata keys distinct.
fn write<T: Scalar, N: Parameters<T>>(
    net: &N,
    names: &[String],
    metadata: &[(String, String)],
) -> Vec<u8> {
    let shapes: Vec<(usize, usize)> = net.block_shapes().collect();
    let blocks: Vec<&[T]> = net.blocks().collect();
    let (dtype, size) = if T::NAME == "f32" {
        ("F32", 4)
    } else {
        ("F64", 8)
    };

    let mut header = String::from("{");
    if !metadata.is_empty() {
        header.push_str("\"__metadata__\":{");
        for (i, (key, value)) in metadata.iter().enumerate() {
            if i > 0 {
                header.push(',');
            }
            json::write_string(&mut header, key);
            header.push(':');
            json::write_string(&mut header, value);
        }
        header.push_str("},");
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let mut offset = 0;
    for (i, &k) in order.iter().enumerate() {
        let (rows, cols) = shapes[k];
        let shape = if k % 2 == 1 && cols == 1 {
            format!("[{rows}]")
        } else {
            format!("[{rows},{cols}]")
        };
        let length = blocks[k].len() * size;
        if i > 0 {
            header.push(',');
        }
        json::write_string(&mut header, &names[k]);
        header.push_str(&format!(
            ":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{offset},{}]}}",
            offset + length
        ));
        offset += length;
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }

    let mut bytes = Vec::with_capacity(8 + header.len() + offset);
    bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for &k in &order {
        for v in blocks[k] {
            // For f32, `to_bits_u64` is the f32's own bits, widened.
            let bits = v.to_bits_u64();
            if size == 4 {
                bytes.extend_from_slice(&(bits as u32).to_le_bytes());
            } else {
                bytes.extend_from_slice(&bits.to_le_bytes());
            }
        }
    }
    bytes
}

/// Writes the parameters of `net` to the file at `path`, with the default [`Options`].
///
/// # Errors
/// [`Error::Io`] if the file cannot be written.
pub fn save<T: Scalar, N: Parameters<T>>(net: &N, path: impl AsRef<Path>) -> Result<()> {
    save_with(net, path, &Options::default())
}

/// Writes the parameters of `net` to the file at `path`, as `options` say.
///
/// # Errors
/// As [`to_bytes_with`]; [`Error::Io`] if the file cannot be written.
pub fn save_with<T: Scalar, N: Parameters<T>>(
    net: &N,
    path: impl AsRef<Path>,
    options: &Options,
) -> Result<()> {
    let path = path.as_ref();
    let bytes = to_bytes_with(net, options)?;
    std::fs::write(path, bytes).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Reads a safetensors file's bytes into `net`, with the default [`Options`]. On
/// error, `net` is left unchanged; errors name the source `<bytes>`.
///
/// # Errors
/// [`Error::Parse`] for anything listed in [What is checked](self#what-is-checked).
pub fn from_bytes<T: Scalar, N: Parameters<T>>(net: &mut N, bytes: &[u8]) -> Result<()> {
    from_bytes_with(net, bytes, &Options::default())
}

/// Reads a safetensors file's bytes into `net`, as `options` say. On error, `net` is
/// left unchanged.
///
/// # Errors
/// As [`from_bytes`]; [`Error::Invalid`] if the naming does not fit the network.
pub fn from_bytes_with<T: Scalar, N: Parameters<T>>(
    net: &mut N,
    bytes: &[u8],
    options: &Options,
) -> Result<()> {
    let values = read::read(net, bytes, "<bytes>", options)?;
    for (slot, value) in net.blocks_mut().flatten().zip(values) {
        *slot = value;
    }
    Ok(())
}

/// Reads the safetensors file at `path` into `net`, with the default [`Options`]. On
/// error, `net` is left unchanged.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; otherwise as [`from_bytes`], with the
/// path as the source.
pub fn load<T: Scalar, N: Parameters<T>>(net: &mut N, path: impl AsRef<Path>) -> Result<()> {
    load_with(net, path, &Options::default())
}

/// Reads the safetensors file at `path` into `net`, as `options` say. On error, `net`
/// is left unchanged.
///
/// # Errors
/// As [`load`] and [`from_bytes_with`].
pub fn load_with<T: Scalar, N: Parameters<T>>(
    net: &mut N,
    path: impl AsRef<Path>,
    options: &Options,
) -> Result<()> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let values = read::read(net, &bytes, &path.display().to_string(), options)?;
    for (slot, value) in net.blocks_mut().flatten().zip(values) {
        *slot = value;
    }
    Ok(())
}
