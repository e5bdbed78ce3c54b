//! A first look at `Matrix`: the seed network's first layer, `z[1] = W[1] x + b[1]` [N1],
//! computed with shape-checked matrices.
//!
//! Run with `cargo run --release --example matrix_demo`.

use backprop::{Matrix, Vector};

fn main() {
    // W[1] is (4, 3): four hidden units, three inputs [N1].
    let w1 = Matrix::from_rows([
        [0.2, -0.5, 0.1],
        [0.7, 0.3, -0.2],
        [-0.4, 0.8, 0.5],
        [0.1, 0.1, 0.1],
    ]);
    let b1: Vector<f64, 4> = Matrix::from_column([0.1, 0.0, -0.1, 0.2]);
    let x: Vector<f64, 3> = Matrix::from_column([1.0, 2.0, 3.0]);

    let z1 = w1 * x + b1;
    let a1 = z1.map(|z| z.max(0.0)); // ReLU [N5]

    println!("W[1] =\n{w1:.2}\n");
    println!("x =\n{x:.2}\n");
    println!("z[1] = W[1] x + b[1] =\n{z1:.2}\n");
    println!("a[1] = g(z[1]) =\n{a1:.2}\n");

    // ∂z[1]/∂W[1] = I₄ ⊗ xᵀ is (4, 12) [L1.3]: row i holds xᵀ in the columns of row i of W.
    let dz_dw: Matrix<f64, 4, 12> = Matrix::<f64, 4, 4>::identity().kron(&x.transpose());
    println!("∂z[1]/∂W[1] = I₄ ⊗ xᵀ =\n{dz_dw:.0}");
}
