//! Reading the StructureDefinitions and value sets into the [`Model`]: which types are needed,
//! their fields, choice elements, required-binding code enums and recursion boxing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::model::*;
use super::names::*;
use super::selection::{MAX_ENUM_CODES, RESOURCES};

pub(crate) struct Ctx<'a> {
    pub(crate) sds: HashMap<String, &'a Value>,
    pub(crate) valuesets: HashMap<String, &'a Value>,
    pub(crate) codesystems: HashMap<String, &'a Value>,
    pub(crate) enums: BTreeMap<String, CodeEnum>,
    pub(crate) enum_by_url: HashMap<String, Option<String>>,
    pub(crate) queue: Vec<String>,
    pub(crate) seen: BTreeSet<String>,
}

impl Model {
    pub(crate) fn load(
        types: &Value,
        resources: &Value,
        valuesets: &Value,
    ) -> Result<Model, String> {
        let mut ctx = Ctx {
            sds: HashMap::new(),
            valuesets: HashMap::new(),
            codesystems: HashMap::new(),
            enums: BTreeMap::new(),
            enum_by_url: HashMap::new(),
            queue: Vec::new(),
            seen: BTreeSet::new(),
        };
        for bundle in [types, resources] {
            for e in bundle["entry"].as_array().ok_or("bundle without entry")? {
                let r = &e["resource"];
                if r["resourceType"] == "StructureDefinition"
                    && let Some(name) = r["name"].as_str()
                {
                    ctx.sds.insert(name.to_string(), r);
                }
            }
        }
        for e in valuesets["entry"]
            .as_array()
            .ok_or("valuesets without entry")?
        {
            let r = &e["resource"];
            let url = r["url"].as_str().unwrap_or_default().to_string();
            match r["resourceType"].as_str() {
                Some("ValueSet") => {
                    ctx.valuesets.insert(url, r);
                }
                Some("CodeSystem") => {
                    ctx.codesystems.insert(url, r);
                }
                _ => {}
            }
        }
        let mut structs = Vec::new();
        let mut file_of = HashMap::new();
        let mut aliases = Vec::new();
        ctx.seen.extend(RESOURCES.iter().map(|r| (*r).to_string()));
        for r in RESOURCES {
            let sd = *ctx
                .sds
                .get(*r)
                .ok_or_else(|| format!("no StructureDefinition for {r}"))?;
            let snake = snake(r);
            for s in ctx.build_sd(sd, true)? {
                file_of.insert(s.name.clone(), snake.clone());
                structs.push(s);
            }
        }
        // `Element` is what a primitive's `_element` sibling holds.
        ctx.need("Element");
        while let Some(t) = ctx.queue.pop() {
            let sd = *ctx
                .sds
                .get(&t)
                .ok_or_else(|| format!("no StructureDefinition for {t}"))?;
            if sd["derivation"] == "constraint" {
                let base = sd["type"].as_str().unwrap_or_default().to_string();
                aliases.push((
                    t.clone(),
                    base.clone(),
                    sd["description"].as_str().unwrap_or("").to_string(),
                ));
                if ctx.seen.insert(base.clone()) {
                    ctx.queue.push(base);
                }
                continue;
            }
            for s in ctx.build_sd(sd, false)? {
                file_of.insert(s.name.clone(), "datatypes".into());
                structs.push(s);
            }
        }
        aliases.sort();
        let mut model = Model {
            structs,
            file_of,
            aliases,
            enums: ctx.enums,
        };
        model.box_cycles();
        Ok(model)
    }

    /// Boxes single-valued struct fields that close a cycle of single-valued fields.
    pub(crate) fn box_cycles(&mut self) {
        let alias: HashMap<String, String> = self
            .aliases
            .iter()
            .map(|(a, b, _)| (a.clone(), b.clone()))
            .collect();
        let resolve = |n: &str| alias.get(n).cloned().unwrap_or_else(|| n.to_string());
        let mut edges: HashMap<String, Vec<String>> = HashMap::new();
        for s in &self.structs {
            let e = edges.entry(s.name.clone()).or_default();
            for f in &s.fields {
                if let FieldKind::Single {
                    ty: Ty::Struct(t), ..
                } = &f.kind
                {
                    e.push(resolve(t));
                }
            }
        }
        let reaches = |from: &str, to: &str| -> bool {
            let mut stack = vec![from.to_string()];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone())
                    && let Some(next) = edges.get(&n)
                {
                    stack.extend(next.iter().cloned());
                }
            }
            false
        };
        let mut to_box = BTreeSet::new();
        for s in &self.structs {
            for (i, f) in s.fields.iter().enumerate() {
                if let FieldKind::Single {
                    ty: Ty::Struct(t), ..
                } = &f.kind
                    && reaches(&resolve(t), &s.name)
                {
                    to_box.insert((s.name.clone(), i));
                }
            }
        }
        for s in &mut self.structs {
            for (i, f) in s.fields.iter_mut().enumerate() {
                if let FieldKind::Single { boxed, .. } = &mut f.kind
                    && to_box.contains(&(s.name.clone(), i))
                {
                    *boxed = true;
                }
            }
        }
    }
}

impl Ctx<'_> {
    pub(crate) fn need(&mut self, t: &str) {
        if self.seen.insert(t.to_string()) {
            self.queue.push(t.to_string());
        }
    }

    /// Builds the struct for a StructureDefinition plus its backbone elements.
    pub(crate) fn build_sd(
        &mut self,
        sd: &Value,
        is_resource: bool,
    ) -> Result<Vec<Struct>, String> {
        let name = sd["name"].as_str().unwrap_or_default().to_string();
        self.seen.insert(name.clone());
        let elements = sd["snapshot"]["element"]
            .as_array()
            .ok_or_else(|| format!("{name}: no snapshot"))?;
        // path -> element, and parent -> children (in order).
        let mut children: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        let mut has_children = BTreeSet::new();
        for e in elements {
            if e.get("sliceName").is_some() {
                continue;
            }
            let path = e["path"].as_str().unwrap_or_default();
            if let Some((parent, _)) = path.rsplit_once('.') {
                children.entry(parent.to_string()).or_default().push(e);
                has_children.insert(parent.to_string());
            }
        }
        let root_doc = sd["description"]
            .as_str()
            .or(elements[0]["short"].as_str())
            .unwrap_or("")
            .to_string();
        let mut out = Vec::new();
        let mut stack = vec![(name.clone(), root_doc, true)];
        while let Some((path, doc, root)) = stack.pop() {
            let sname = type_name_for_path(&path);
            let mut fields = Vec::new();
            for e in children.get(&path).map(Vec::as_slice).unwrap_or(&[]) {
                let epath = e["path"].as_str().unwrap_or_default();
                let last = epath.rsplit('.').next().unwrap_or_default();
                let min = e["min"].as_u64().unwrap_or(0);
                let many = e["max"].as_str().is_some_and(|m| m != "0" && m != "1");
                if e["max"] == "0" {
                    continue;
                }
                let doc = e["short"].as_str().unwrap_or("").to_string();
                let types: Vec<&Value> = e["type"]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                if let Some(base) = last.strip_suffix("[x]") {
                    let enum_name = format!("{sname}{}", upper_first(base));
                    let mut variants = Vec::new();
                    for t in &types {
                        let code = type_code(t);
                        let ty = self.prim_or_struct(&code);
                        variants.push(ChoiceVariant {
                            variant: upper_first(&code),
                            json: format!("{base}{}", upper_first(&code)),
                            ty,
                        });
                    }
                    fields.push(Field {
                        json: base.to_string(),
                        rust: rust_field(base),
                        doc,
                        min,
                        kind: FieldKind::Choice {
                            enum_name,
                            variants,
                        },
                    });
                    continue;
                }
                let ty = if let Some(cr) = e["contentReference"].as_str() {
                    Ty::Struct(type_name_for_path(
                        cr.rsplit('#').next().unwrap_or_default(),
                    ))
                } else if has_children.contains(epath) {
                    stack.push((epath.to_string(), doc.clone(), false));
                    Ty::Struct(type_name_for_path(epath))
                } else {
                    let code = types
                        .first()
                        .map(|t| type_code(t))
                        .unwrap_or_else(|| "string".into());
                    if code == "code" {
                        self.code_type(e).unwrap_or(Ty::Prim("String"))
                    } else {
                        self.prim_or_struct(&code)
                    }
                };
                let kind = if many {
                    FieldKind::Many(ty)
                } else {
                    FieldKind::Single { ty, boxed: false }
                };
                fields.push(Field {
                    json: last.to_string(),
                    rust: rust_field(last),
                    doc,
                    min,
                    kind,
                });
            }
            if fields.iter().any(|f| f.rust == "extra") {
                return Err(format!("{sname} has an element named `extra`"));
            }
            out.push(Struct {
                name: sname,
                doc,
                resource: (is_resource && root).then(|| name.clone()),
                fields,
            });
        }
        Ok(out)
    }

    pub(crate) fn prim_or_struct(&mut self, code: &str) -> Ty {
        match code {
            "boolean" => Ty::Prim("bool"),
            "integer" | "positiveInt" | "unsignedInt" | "integer64" => Ty::Prim("i64"),
            "decimal" => Ty::Prim("Decimal"),
            "Resource" => Ty::Resource,
            c if c.chars().next().is_some_and(char::is_lowercase) => Ty::Prim("String"),
            c => {
                self.need(c);
                Ty::Struct(c.to_string())
            }
        }
    }

    /// A code enum for a required binding, if its value set expands to a short code list.
    pub(crate) fn code_type(&mut self, e: &Value) -> Option<Ty> {
        let b = &e["binding"];
        if b["strength"] != "required" {
            return None;
        }
        let url = b["valueSet"].as_str()?.split('|').next()?.to_string();
        if let Some(known) = self.enum_by_url.get(&url) {
            return known.clone().map(Ty::Code);
        }
        let made = self.make_enum(&url, b);
        self.enum_by_url.insert(url, made.clone());
        made.map(Ty::Code)
    }

    pub(crate) fn make_enum(&mut self, url: &str, binding: &Value) -> Option<String> {
        let vs = *self.valuesets.get(url)?;
        let mut codes: Vec<(String, String)> = Vec::new();
        for inc in vs["compose"]["include"].as_array()? {
            if inc.get("filter").is_some() || inc.get("valueSet").is_some() {
                return None;
            }
            if let Some(concepts) = inc["concept"].as_array() {
                for c in concepts {
                    codes.push((
                        c["code"].as_str()?.to_string(),
                        c["display"].as_str().unwrap_or("").to_string(),
                    ));
                }
            } else {
                let cs = *self.codesystems.get(inc["system"].as_str()?)?;
                if cs["content"] != "complete" {
                    return None;
                }
                flatten_concepts(&cs["concept"], &mut codes);
            }
        }
        if vs["compose"].get("exclude").is_some()
            || codes.is_empty()
            || codes.len() > MAX_ENUM_CODES
        {
            return None;
        }
        let binding_name = binding["extension"]
            .as_array()
            .and_then(|a| {
                a.iter().find(|x| {
                    x["url"]
                        .as_str()
                        .is_some_and(|u| u.ends_with("bindingName"))
                })
            })
            .and_then(|x| x["valueString"].as_str())
            .map(str::to_string)
            .or_else(|| vs["name"].as_str().map(str::to_string))?;
        let mut name = camel(&binding_name);
        if self.sds.contains_key(&name) || RESOURCES.contains(&name.as_str()) {
            name.push_str("Code");
        }
        while self.enums.contains_key(&name) {
            name.push('_');
        }
        let mut used = BTreeSet::new();
        let mut variants = Vec::new();
        for (i, (code, display)) in codes.into_iter().enumerate() {
            if used.contains(&code) {
                continue;
            }
            let mut v = variant_for_code(&code, &display);
            if v.is_empty()
                || v == "Unrecognized"
                || variants
                    .iter()
                    .any(|(x, _, _): &(String, String, String)| *x == v)
            {
                v = format!("Code{i}");
            }
            used.insert(code.clone());
            variants.push((v, code, display));
        }
        let doc = vs["description"]
            .as_str()
            .or(vs["title"].as_str())
            .unwrap_or("")
            .to_string();
        self.enums.insert(
            name.clone(),
            CodeEnum {
                name: name.clone(),
                doc,
                codes: variants,
            },
        );
        Some(name)
    }
}

pub(crate) fn flatten_concepts(concepts: &Value, out: &mut Vec<(String, String)>) {
    for c in concepts.as_array().map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(code) = c["code"].as_str() {
            out.push((
                code.to_string(),
                c["display"].as_str().unwrap_or("").to_string(),
            ));
        }
        flatten_concepts(&c["concept"], out);
    }
}
