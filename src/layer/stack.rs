//! Stacks of layers: a tuple of layers is a layer. Forward runs the layers in order,
//! each writing its output where the next reads its input; backward runs them in
//! reverse, each turning `∂J/∂output` into its parameters' gradients and `∂J/∂input`
//! for the layer before [S1–S4].

use super::Layer;
use crate::params::Parameters;
use crate::rng::Rng;
use crate::scalar::Scalar;

// A stack of layers is a tuple. One macro writes the impls for 2 to 6 layers: forward
// runs the layers in order, backward in reverse, and the parameter blocks are the layers'
// blocks in order. The stack's cache is one entry per layer: `(cache, output)` for every
// layer but the last, whose output is the next layer's input, and the last layer's cache
// alone. The arguments name, for forward, each layer's cache `c…` and output `o…` and the
// output it reads; for backward, each layer after the first with the index of the layer
// before it, whose stored output is its input.
macro_rules! layer_tuple {
    (
        layers: [$($L:ident . $i:tt),+],
        links: [$($Prev:ident => $Next:ident),+],
        first: $First:ident . $f:tt $cf:ident $of:ident grad $df_out:ident,
        middle: [$($ML:ident . $m:tt $cm:ident $om:ident after $om_prev:ident),*],
        last: $Last:ident . $l:tt $cl:ident after $l_prev:tt $ol_prev:ident grad $dl:ident,
        reverse_middle: [$($r:tt after $r_prev:tt grad $dr:ident from $dr_out:ident),*]
    ) => {
        impl<T: Scalar, $($L: Parameters<T>),+> Parameters<T> for ($($L,)+) {
            fn blocks(&self) -> impl Iterator<Item = &[T]> {
                core::iter::empty()$(.chain(self.$i.blocks()))+
            }

            fn blocks_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
                core::iter::empty()$(.chain(self.$i.blocks_mut()))+
            }

            fn block_shapes(&self) -> impl Iterator<Item = (usize, usize)> {
                core::iter::empty()$(.chain(self.$i.block_shapes()))+
            }

            #[inline(always)]
            fn add_scaled(&mut self, alpha: T, other: &Self) {
                $(self.$i.add_scaled(alpha, &other.$i);)+
            }

            fn initialize(&mut self, rng: &mut Rng) {
                $(self.$i.initialize(rng);)+
            }

            fn activations(&self) -> impl Iterator<Item = (&'static str, &[T])> {
                core::iter::empty()$(.chain(self.$i.activations()))+
            }

            fn activations_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut [T])> {
                core::iter::empty()$(.chain(self.$i.activations_mut()))+
            }
        }

        impl<T: Scalar, const M: usize, $($L),+> Layer<T, M> for ($($L,)+)
        where
            $($L: Layer<T, M>,)+
            $($Next: Layer<T, M, Input = <$Prev as Layer<T, M>>::Output>,)+
        {
            type Input = <$First as Layer<T, M>>::Input;
            type Output = <$Last as Layer<T, M>>::Output;
            type Cache = (
                (<$First as Layer<T, M>>::Cache, <$First as Layer<T, M>>::Output),
                $((<$ML as Layer<T, M>>::Cache, <$ML as Layer<T, M>>::Output),)*
                <$Last as Layer<T, M>>::Cache,
            );

            #[inline(always)]
            fn predict(&self, input: &Self::Input) -> Self::Output {
                let x = self.$f.predict(input);
                layer_tuple!(@predict self, x, $($i),+)
            }

            #[inline(always)]
            fn forward_to(&self, input: &Self::Input, output: &mut Self::Output, cache: &mut Self::Cache) {
                let ($cf, $of) = &mut cache.$f;
                self.$f.forward_to(input, $of, $cf);
                $(
                    let ($cm, $om) = &mut cache.$m;
                    self.$m.forward_to($om_prev, $om, $cm);
                )*
                self.$l.forward_to($ol_prev, output, &mut cache.$l);
            }

            #[inline(always)]
            fn backward_to(
                &self,
                input: &Self::Input,
                cache: &Self::Cache,
                grad_output: &Self::Output,
                grads: &mut Self,
                grad_input: &mut Self::Input,
            ) {
                layer_tuple!(@to_first self, cache, grad_output, grads,
                    $l $l_prev $dl, [$($r $r_prev $dr $dr_out),*]);
                self.$f.backward_to(input, &cache.$f.0, &$df_out, &mut grads.$f, grad_input);
            }

            #[inline(always)]
            fn backward_params(
                &self,
                input: &Self::Input,
                cache: &Self::Cache,
                grad_output: &Self::Output,
                grads: &mut Self,
            ) {
                layer_tuple!(@to_first self, cache, grad_output, grads,
                    $l $l_prev $dl, [$($r $r_prev $dr $dr_out),*]);
                self.$f.backward_params(input, &cache.$f.0, &$df_out, &mut grads.$f);
            }
        }
    };
    // Backward from the last layer down to the second: each writes `∂J/∂input` into a
    // buffer of its own (`d…`), which the layer before reads as its `∂J/∂output`.
    (@to_first $s:ident, $cache:ident, $grad_output:ident, $grads:ident,
        $l:tt $l_prev:tt $dl:ident, [$($r:tt $r_prev:tt $dr:ident $dr_out:ident),*]) => {
        let mut $dl = Default::default();
        $s.$l.backward_to(&$cache.$l_prev.1, &$cache.$l, $grad_output, &mut $grads.$l, &mut $dl);
        $(
            let mut $dr = Default::default();
            $s.$r.backward_to(&$cache.$r_prev.1, &$cache.$r.0, &$dr_out, &mut $grads.$r, &mut $dr);
        )*
    };
    // After the first layer: run the others in order (the first index is skipped).
    (@predict $s:ident, $x:ident, $first:tt $(, $i:tt)+) => {{
        $(let $x = $s.$i.predict(&$x);)+
        $x
    }};
}

layer_tuple!(layers: [L0.0, L1.1], links: [L0 => L1],
    first: L0.0 c0 o0 grad d1, middle: [], last: L1.1 c1 after 0 o0 grad d1,
    reverse_middle: []);
layer_tuple!(layers: [L0.0, L1.1, L2.2], links: [L0 => L1, L1 => L2],
    first: L0.0 c0 o0 grad d1, middle: [L1.1 c1 o1 after o0],
    last: L2.2 c2 after 1 o1 grad d2,
    reverse_middle: [1 after 0 grad d1 from d2]);
layer_tuple!(layers: [L0.0, L1.1, L2.2, L3.3], links: [L0 => L1, L1 => L2, L2 => L3],
    first: L0.0 c0 o0 grad d1, middle: [L1.1 c1 o1 after o0, L2.2 c2 o2 after o1],
    last: L3.3 c3 after 2 o2 grad d3,
    reverse_middle: [2 after 1 grad d2 from d3, 1 after 0 grad d1 from d2]);
layer_tuple!(layers: [L0.0, L1.1, L2.2, L3.3, L4.4],
    links: [L0 => L1, L1 => L2, L2 => L3, L3 => L4],
    first: L0.0 c0 o0 grad d1,
    middle: [L1.1 c1 o1 after o0, L2.2 c2 o2 after o1, L3.3 c3 o3 after o2],
    last: L4.4 c4 after 3 o3 grad d4,
    reverse_middle: [3 after 2 grad d3 from d4, 2 after 1 grad d2 from d3,
        1 after 0 grad d1 from d2]);
layer_tuple!(layers: [L0.0, L1.1, L2.2, L3.3, L4.4, L5.5],
    links: [L0 => L1, L1 => L2, L2 => L3, L3 => L4, L4 => L5],
    first: L0.0 c0 o0 grad d1,
    middle: [L1.1 c1 o1 after o0, L2.2 c2 o2 after o1, L3.3 c3 o3 after o2, L4.4 c4 o4 after o3],
    last: L5.5 c5 after 4 o4 grad d5,
    reverse_middle: [4 after 3 grad d4 from d5, 3 after 2 grad d3 from d4,
        2 after 1 grad d2 from d3, 1 after 0 grad d1 from d2]);
