//! `#[derive(Model)]`: turns a plain struct of `Option` fields into a lenient, PHI-safe model
//! of athena's JSON. Use it as `athena_core::Model` (this crate is its implementation); the
//! rules a model follows are documented there.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

/// Derives a lenient athena model: `Deserialize` (every field through
/// `athena_core::codec::lenient::FieldValue`, a value of the wrong shape kept raw in `extra`
/// with a decode warning), `Serialize` (`None` fields omitted, `extra` written back),
/// a PHI-safe `Debug`, `FieldValue` (so the model can be a field of another model),
/// `FIELD_NAMES`, `decode_warnings()`, and an accessor per `Phi<T>` field.
///
/// See `athena_core::Model` for the rules and an example.
#[proc_macro_derive(Model, attributes(athena, serde))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// One modelled field.
struct Field {
    ident: Ident,
    wire: String,
    /// The `T` of `Option<T>`.
    inner: Type,
    /// For a `Phi<X>` field: `X`.
    phi: Option<Type>,
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "#[derive(Model)] does not support generic structs",
        ));
    }
    reject_serde(&input.attrs)?;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[derive(Model)] needs a struct with named fields",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            "#[derive(Model)] needs a struct with named fields",
        ));
    };

    let mut fields = Vec::new();
    let mut has_extra = false;
    let mut has_warnings = false;
    for f in &named.named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        reject_serde(&f.attrs)?;
        let mut rename: Option<LitStr> = None;
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("athena")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    rename = Some(meta.value()?.parse()?);
                    Ok(())
                } else {
                    Err(meta.error("unknown #[athena] field attribute; expected `rename = \"…\"`"))
                }
            })?;
        }
        let unraw = ident.unraw().to_string();
        if unraw == "extra" && rename.is_none() {
            has_extra = true;
            continue;
        }
        if unraw == "decode_warnings" && rename.is_none() {
            has_warnings = true;
            continue;
        }
        let Some(inner) = option_inner(&f.ty) else {
            return Err(syn::Error::new(
                f.ty.span(),
                "a model field is written `Option<T>` (absent, null and blank are `None`); \
                 only `extra` and `decode_warnings` are not",
            ));
        };
        let phi = phi_inner(inner).cloned();
        fields.push(Field {
            wire: rename.map_or(unraw, |l| l.value()),
            ident,
            inner: inner.clone(),
            phi,
        });
    }
    if !has_extra || !has_warnings {
        return Err(syn::Error::new(
            Span::call_site(),
            "a model needs `pub extra: serde_json::Map<String, serde_json::Value>` and \
             `decode_warnings: Vec<athena_core::decode::warnings::DecodeWarning>` fields",
        ));
    }

    let lenient = quote!(::athena_core::codec::lenient::field);
    let serde = quote!(::athena_core::__private::serde);
    let json = quote!(::athena_core::__private::serde_json);
    let warning = quote!(::athena_core::decode::warnings::DecodeWarning);
    let name_str = name.to_string();

    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let idents: Vec<&Ident> = fields.iter().map(|f| &f.ident).collect();
    let debug_names: Vec<String> = fields.iter().map(|f| f.ident.to_string()).collect();
    let read_arms = fields.iter().map(|f| {
        let (ident, wire) = (&f.ident, &f.wire);
        quote! {
            #wire => #lenient::read_field(map, &mut self.#ident, &mut self.extra, #wire)?,
        }
    });
    // Every field type must decode through FieldValue and serialize: a clear error at the field.
    let type_checks = fields.iter().map(|f| {
        let ty = &f.inner;
        quote_spanned! {ty.span()=>
            const _: fn() = || {
                fn field_type<T: #lenient::FieldValue + #serde::Serialize>() {}
                field_type::<#ty>();
            };
        }
    });
    let accessors = fields.iter().filter_map(|f| {
        let inner = f.phi.as_ref()?;
        let ident = &f.ident;
        let method = Ident::new(&ident.unraw().to_string(), ident.span());
        let doc = format!(
            " `{}` read out of its `Phi` wrapper (PHI: never log it); `None` when absent.",
            f.ident.unraw()
        );
        Some(if is_string(inner) {
            quote! {
                #[doc = #doc]
                pub fn #method(&self) -> ::std::option::Option<&str> {
                    self.#ident.as_ref().map(|v| v.expose().as_str())
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                pub fn #method(&self) -> ::std::option::Option<&#inner> {
                    self.#ident.as_ref().map(|v| v.expose())
                }
            }
        })
    });

    Ok(quote! {
        #(#type_checks)*

        impl #name {
            /// The wire names of the fields this model types (the rest land in `extra`).
            pub const FIELD_NAMES: &'static [&'static str] = &[#(#wires),*];

            /// Fields of this value (or of values nested in it) that athena sent in a shape
            /// their type cannot hold: each was left `None` and kept verbatim in the `extra`
            /// map of the value that models it. Paths are relative to this value
            /// (`patient.dob`); never the value itself.
            pub fn decode_warnings(&self) -> &[#warning] {
                &self.decode_warnings
            }

            #(#accessors)*
        }

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut s = f.debug_struct(#name_str);
                #(
                    if let ::std::option::Option::Some(v) = &self.#idents {
                        s.field(#debug_names, v);
                    }
                )*
                s.field("extra_keys", &self.extra.keys().collect::<::std::vec::Vec<_>>());
                if !self.decode_warnings.is_empty() {
                    s.field("decode_warnings", &self.decode_warnings);
                }
                s.finish()
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use #serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(
                    if let ::std::option::Option::Some(v) = &self.#idents {
                        map.serialize_entry(#wires, v)?;
                    }
                )*
                for (k, v) in &self.extra {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                #lenient::deserialize_model(d)
            }
        }

        impl #lenient::ModelFields for #name {
            const NAME: &'static str = #name_str;
            fn read_known<'de, A: #serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> ::std::result::Result<bool, A::Error> {
                match key {
                    #(#read_arms)*
                    _ => return ::std::result::Result::Ok(false),
                }
                ::std::result::Result::Ok(true)
            }
            fn extra_mut(&mut self) -> &mut #json::Map<::std::string::String, #json::Value> {
                &mut self.extra
            }
            fn set_decode_warnings(&mut self, found: ::std::vec::Vec<#warning>) {
                self.decode_warnings = found;
            }
        }

        impl #lenient::FieldValue for #name {
            const EXPECTED: &'static str = "an object";
            const NESTED: bool = true;
            fn decode<'de, D: #serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<#lenient::Decoded<Self>, D::Error> {
                #lenient::decode_nested(d)
            }
        }
    })
}

/// `#[serde(...)]` on a model would be silently ignored by the lenient decoder: refuse it.
fn reject_serde(attrs: &[syn::Attribute]) -> syn::Result<()> {
    match attrs.iter().find(|a| a.path().is_ident("serde")) {
        Some(a) => Err(syn::Error::new(
            a.span(),
            "#[serde(...)] has no effect on a #[derive(Model)] struct; \
             write `#[athena(rename = \"WireName\")]` for a wire name that is not the field name",
        )),
        None => Ok(()),
    }
}

/// `T` of `Option<T>` (also `std::option::Option<T>`).
fn option_inner(ty: &Type) -> Option<&Type> {
    generic_of(ty, "Option")
}

/// `X` of `Phi<X>` (any path ending in `Phi`).
fn phi_inner(ty: &Type) -> Option<&Type> {
    generic_of(ty, "Phi")
}

fn generic_of<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn is_string(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_empty()))
}
