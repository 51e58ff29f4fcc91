//! The in-memory model the generator builds from the StructureDefinitions and emits: types,
//! fields, structs, code enums.

use std::collections::{BTreeMap, HashMap};

/// A Rust type for one element.
#[derive(Clone, Debug)]
pub(crate) enum Ty {
    /// A Rust primitive (`String`, `bool`, `i64`, `Decimal`).
    Prim(&'static str),
    /// A generated struct (datatype or backbone).
    Struct(String),
    /// A generated code enum.
    Code(String),
    /// The `Resource` enum.
    Resource,
}

impl Ty {
    pub(crate) fn rust(&self) -> String {
        match self {
            Ty::Prim(p) => (*p).to_string(),
            Ty::Struct(s) | Ty::Code(s) => s.clone(),
            Ty::Resource => "Resource".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ChoiceVariant {
    pub(crate) variant: String,
    pub(crate) json: String,
    pub(crate) ty: Ty,
}

#[derive(Clone, Debug)]
pub(crate) enum FieldKind {
    Single {
        ty: Ty,
        boxed: bool,
    },
    Many(Ty),
    Choice {
        enum_name: String,
        variants: Vec<ChoiceVariant>,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub(crate) json: String,
    pub(crate) rust: String,
    pub(crate) doc: String,
    pub(crate) min: u64,
    pub(crate) kind: FieldKind,
}

#[derive(Clone, Debug)]
pub(crate) struct Struct {
    pub(crate) name: String,
    pub(crate) doc: String,
    /// `Some(resourceType)` for resources.
    pub(crate) resource: Option<String>,
    pub(crate) fields: Vec<Field>,
}

#[derive(Clone, Debug)]
pub(crate) struct CodeEnum {
    pub(crate) name: String,
    pub(crate) doc: String,
    pub(crate) codes: Vec<(String, String, String)>, // (variant, code, display)
}

pub(crate) struct Model {
    pub(crate) structs: Vec<Struct>,
    /// Which file each struct goes to (`datatypes` or the resource's snake name).
    pub(crate) file_of: HashMap<String, String>,
    pub(crate) aliases: Vec<(String, String, String)>,
    pub(crate) enums: BTreeMap<String, CodeEnum>,
}
