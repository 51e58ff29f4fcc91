//! The code of one generated struct: its fields, its map decoder (`rt::FromMap`), encoder and
//! validation.

use std::fmt::Write as _;

use super::docs::*;
use super::emit::field_type;
use super::model::*;

pub(crate) fn emit_struct(t: &mut String, s: &Struct) {
    doc(t, &s.doc);
    if s.resource.is_some() {
        let _ = writeln!(
            t,
            "///\n/// `resourceType` is `{}`; it is written on encode and not stored.",
            s.name
        );
    }
    // `Debug` is written by `rt::resource_debug!` / `rt::redacted_debug!` below: values may be
    // PHI, so it shows the type (and a resource's id), never the data.
    let _ = writeln!(
        t,
        "#[derive(Clone, Default, PartialEq)]\n#[non_exhaustive]\npub struct {} {{",
        s.name
    );
    for f in &s.fields {
        let mut d = f.doc.clone();
        if f.min > 0 {
            d.push_str(" (required)");
        }
        doc(t, &d);
        let _ = writeln!(t, "    pub {}: {},", f.rust, field_type(f));
    }
    t.push_str("    /// Unknown elements and `_element` primitive-extension siblings, kept as the exact JSON received.\n    pub extra: Extras,\n}\n\n");
    if s.resource.is_some() {
        let _ = writeln!(t, "rt::resource_debug!({});\n", s.name);
    } else {
        let _ = writeln!(t, "rt::redacted_debug!({});\n", s.name);
    }

    // Choice enums.
    for f in &s.fields {
        if let FieldKind::Choice {
            enum_name,
            variants,
        } = &f.kind
        {
            doc(t, &format!("{} (`{}[x]`)", f.doc, f.json).replace('`', ""));
            let _ = writeln!(
                t,
                "#[derive(Clone, PartialEq)]\n#[non_exhaustive]\npub enum {enum_name} {{"
            );
            for v in variants {
                let _ = writeln!(t, "    /// `{}`", v.json);
                match &v.ty {
                    Ty::Struct(n) => {
                        let _ = writeln!(t, "    {}(Box<{n}>),", v.variant);
                    }
                    ty => {
                        let _ = writeln!(t, "    {}({}),", v.variant, ty.rust());
                    }
                }
            }
            t.push_str("}\n\n");
            let _ = writeln!(t, "impl {enum_name} {{");
            let names: Vec<String> = variants.iter().map(|v| format!("{:?}", v.json)).collect();
            let _ = writeln!(
                t,
                "    /// The JSON keys of this choice element, in key-table order.\n    pub(crate) const KEYS: &'static [&'static str] = &[{}];\n",
                names.join(", ")
            );
            t.push_str("    /// The JSON key this value is written under.\n    pub fn json_key(&self) -> &'static str {\n        match self {\n");
            for v in variants {
                let _ = writeln!(t, "            Self::{}(_) => {:?},", v.variant, v.json);
            }
            t.push_str("        }\n    }\n\n    fn serialize_entry<M: serde::ser::SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {\n        match self {\n");
            for v in variants {
                let _ = writeln!(
                    t,
                    "            Self::{}(v) => m.serialize_entry({:?}, v),",
                    v.variant, v.json
                );
            }
            t.push_str("        }\n    }\n}\n\n");
            let _ = writeln!(t, "rt::choice_debug!({enum_name});\n");
            let _ = writeln!(
                t,
                "impl rt::Validate for {enum_name} {{\n    fn validate_at(&self, path: &str, out: &mut Vec<rt::Issue>) {{\n        match self {{"
            );
            for v in variants {
                let _ = writeln!(
                    t,
                    "            Self::{}(v) => {{ rt::Validate::validate_at(v, &rt::join(path, {:?}), out); }}",
                    v.variant, v.json
                );
            }
            t.push_str("        }\n    }\n}\n\n");
        }
    }

    // Key table.
    let mut keys: Vec<(String, usize)> = Vec::new();
    let mut idx = 0usize;
    for f in &s.fields {
        match &f.kind {
            FieldKind::Choice { variants, .. } => {
                for v in variants {
                    keys.push((v.json.clone(), idx));
                    idx += 1;
                }
            }
            _ => {
                keys.push((f.json.clone(), idx));
                idx += 1;
            }
        }
    }
    let rt_idx = idx;
    let _ = writeln!(t, "impl rt::FromMap for {} {{", s.name);
    t.push_str("    fn key(k: &str) -> Option<u16> {\n        Some(match k {\n");
    for (k, i) in &keys {
        let _ = writeln!(t, "            {k:?} => {i},");
    }
    if s.resource.is_some() {
        let _ = writeln!(t, "            \"resourceType\" => {rt_idx},");
    }
    t.push_str("            _ => return None,\n        })\n    }\n\n");
    t.push_str("    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {\n        let mut out = Self::default();\n        while let Some(key) = map.next_key_seed(rt::KeySeed::<Self>::new())? {\n            match key {\n");
    let mut i = 0usize;
    for f in &s.fields {
        match &f.kind {
            FieldKind::Choice {
                enum_name,
                variants,
            } => {
                // A second value for a choice element that is already set (invalid FHIR, but
                // sent) is kept as received in `extra`; `validate` reports it.
                let last = i + variants.len() - 1;
                let _ = writeln!(
                    t,
                    "                rt::Key::Known(k @ {i}..={last}) if out.{}.is_some() => {{ rt::keep_extra(&mut map, &mut out.extra, {enum_name}::KEYS, k - {i})?; }}",
                    f.rust
                );
                for v in variants {
                    let val = match &v.ty {
                        Ty::Struct(_) => "Box::new(map.next_value()?)",
                        _ => "map.next_value()?",
                    };
                    let _ = writeln!(
                        t,
                        "                rt::Key::Known({i}) => {{ out.{} = Some({enum_name}::{}({val})); }}",
                        f.rust, v.variant
                    );
                    i += 1;
                }
            }
            FieldKind::Single { boxed: true, .. } => {
                let _ = writeln!(
                    t,
                    "                rt::Key::Known({i}) => {{ out.{} = map.next_value::<Option<_>>()?.map(Box::new); }}",
                    f.rust
                );
                i += 1;
            }
            FieldKind::Many(_) => {
                // Strict by default; `r4::decode_lenient` also takes a lone value.
                let _ = writeln!(
                    t,
                    "                rt::Key::Known({i}) => {{ out.{} = rt::next_vec(&mut map, \"{}.{}\")?; }}",
                    f.rust, s.name, f.json
                );
                i += 1;
            }
            _ => {
                let _ = writeln!(
                    t,
                    "                rt::Key::Known({i}) => {{ out.{} = map.next_value()?; }}",
                    f.rust
                );
                i += 1;
            }
        }
    }
    t.push_str("                rt::Key::Known(_) => {\n                    map.next_value::<serde::de::IgnoredAny>()?;\n                }\n                rt::Key::Unknown(k) => {\n                    out.extra.push(k, map.next_value()?);\n                }\n            }\n        }\n        Ok(out)\n    }\n}\n\n");
    let _ = writeln!(t, "rt::map_deserialize!({});\n", s.name);

    // Serialize.
    let _ = writeln!(
        t,
        "impl serde::Serialize for {} {{\n    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{\n        use serde::ser::SerializeMap as _;\n        let mut m = s.serialize_map(None)?;",
        s.name
    );
    if let Some(r) = &s.resource {
        let _ = writeln!(t, "        m.serialize_entry(\"resourceType\", {r:?})?;");
    }
    for f in &s.fields {
        match &f.kind {
            FieldKind::Choice { .. } => {
                let _ = writeln!(
                    t,
                    "        if let Some(v) = &self.{} {{\n            v.serialize_entry(&mut m)?;\n        }}",
                    f.rust
                );
            }
            FieldKind::Many(_) => {
                let _ = writeln!(
                    t,
                    "        rt::ser_vec(&mut m, {:?}, &self.{})?;",
                    f.json, f.rust
                );
            }
            FieldKind::Single { .. } => {
                let _ = writeln!(
                    t,
                    "        rt::ser_opt(&mut m, {:?}, &self.{})?;",
                    f.json, f.rust
                );
            }
        }
    }
    t.push_str("        self.extra.serialize_entries(&mut m)?;\n        m.end()\n    }\n}\n\n");

    // Validate.
    let _ = writeln!(
        t,
        "impl rt::Validate for {} {{\n    fn validate_at(&self, path: &str, out: &mut Vec<rt::Issue>) {{",
        s.name
    );
    for f in &s.fields {
        let present = match &f.kind {
            FieldKind::Many(_) => format!("self.{}.is_empty()", f.rust),
            _ => format!("self.{}.is_none()", f.rust),
        };
        if f.min > 0 {
            let _ = writeln!(
                t,
                "        if {present} {{\n            out.push(rt::Issue::missing(path, {:?}));\n        }}",
                f.json
            );
        }
        if let FieldKind::Choice { enum_name, .. } = &f.kind {
            let _ = writeln!(
                t,
                "        rt::check_choice(self.{}.as_ref().map({enum_name}::json_key), &self.extra, {enum_name}::KEYS, path, \"{}[x]\", out);",
                f.rust, f.json
            );
        }
        let simple_prim = matches!(
            &f.kind,
            FieldKind::Single {
                ty: Ty::Prim(_),
                ..
            } | FieldKind::Many(Ty::Prim(_))
        );
        if !simple_prim {
            let _ = writeln!(
                t,
                "        rt::Validate::validate_at(&self.{}, &rt::join(path, {:?}), out);",
                f.rust, f.json
            );
        }
    }
    t.push_str("        let _ = (path, out);\n    }\n}\n\n");
}
