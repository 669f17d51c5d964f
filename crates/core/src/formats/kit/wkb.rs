//! Well-Known Binary (WKB), the geometry encoding of GeoPackage, GeoParquet
//! and PostGIS, read as GeoJSON geometry (ISO and EWKB type codes; Z and M
//! dropped). Every length is checked against the bytes left, so a damaged
//! geometry is `None`, never a panic or a huge allocation.

use serde_json::{Value, json};

/// The geometry `b` holds, as GeoJSON; `Value::Null` for an empty point.
pub fn geometry(b: &[u8]) -> Option<Value> {
    Wkb { b, at: 0 }.geometry(0)
}

/// A point's longitude and latitude, read without building a value:
/// `Some(None)` for an empty point, `None` when `b` is not a point.
pub fn point(b: &[u8]) -> Option<Option<(f64, f64)>> {
    let mut w = Wkb { b, at: 0 };
    let le = match w.take::<1>()? {
        [0] => false,
        [1] => true,
        _ => return None,
    };
    let code = w.u32(le)?;
    if code & 0x2000_0000 != 0 {
        w.u32(le)?; // an EWKB SRID
    }
    if (code & 0x0fff_ffff) % 1000 != 1 {
        return None;
    }
    let x = w.f64(le)?;
    let y = w.f64(le)?;
    Some((!x.is_nan() && !y.is_nan()).then_some((x, y)))
}

/// A WKB reader (ISO and EWKB type codes; Z and M dropped).
struct Wkb<'a> {
    b: &'a [u8],
    at: usize,
}

impl Wkb<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let s = self.b.get(self.at..self.at + N)?;
        self.at += N;
        s.try_into().ok()
    }

    fn u32(&mut self, le: bool) -> Option<u32> {
        let s = self.take::<4>()?;
        Some(if le {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    }

    fn f64(&mut self, le: bool) -> Option<f64> {
        let s = self.take::<8>()?;
        Some(if le {
            f64::from_le_bytes(s)
        } else {
            f64::from_be_bytes(s)
        })
    }

    /// A count of items each at least `size` bytes long, no more than are left.
    fn count(&mut self, le: bool, size: usize) -> Option<usize> {
        let n = self.u32(le)? as usize;
        (n.saturating_mul(size) <= self.b.len().saturating_sub(self.at)).then_some(n)
    }

    fn geometry(&mut self, depth: usize) -> Option<Value> {
        if depth > 32 {
            return None;
        }
        let le = match self.take::<1>()? {
            [0] => false,
            [1] => true,
            _ => return None,
        };
        let code = self.u32(le)?;
        let mut dims = 2;
        if code & 0x8000_0000 != 0 {
            dims += 1;
        }
        if code & 0x4000_0000 != 0 {
            dims += 1;
        }
        if code & 0x2000_0000 != 0 {
            self.u32(le)?; // an EWKB SRID
        }
        let iso = code & 0x0fff_ffff;
        dims += match iso / 1000 {
            1 | 2 => 1,
            3 => 2,
            _ => 0,
        };
        let point = |w: &mut Self| -> Option<Value> {
            let x = w.f64(le)?;
            let y = w.f64(le)?;
            for _ in 2..dims {
                w.f64(le)?;
            }
            Some(json!([x, y]))
        };
        let points = |w: &mut Self| -> Option<Vec<Value>> {
            let n = w.count(le, 8 * dims)?;
            (0..n).map(|_| point(w)).collect()
        };
        let rings = |w: &mut Self| -> Option<Vec<Value>> {
            let n = w.count(le, 4)?;
            (0..n).map(|_| points(w).map(Value::Array)).collect()
        };
        // A multi-shape's parts, its empty ones left out.
        let parts = |w: &mut Self| -> Option<Vec<Value>> {
            let n = w.count(le, 5)?;
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                match w.geometry(depth + 1)? {
                    Value::Null => {}
                    g => out.push(g.get("coordinates")?.clone()),
                }
            }
            Some(out)
        };
        Some(match iso % 1000 {
            1 => {
                let p = point(self)?;
                if p[0].as_f64().is_none_or(f64::is_nan) {
                    return Some(Value::Null);
                }
                json!({"type": "Point", "coordinates": p})
            }
            // An empty shape (`LINESTRING EMPTY`) is no place, as a null is.
            2..=6 => {
                let coordinates = match iso % 1000 {
                    2 => points(self)?,
                    3 => rings(self)?,
                    _ => parts(self)?,
                };
                if coordinates.is_empty() {
                    return Some(Value::Null);
                }
                let kind = [
                    "LineString",
                    "Polygon",
                    "MultiPoint",
                    "MultiLineString",
                    "MultiPolygon",
                ][(iso % 1000 - 2) as usize];
                json!({"type": kind, "coordinates": coordinates})
            }
            7 => {
                let n = self.count(le, 5)?;
                let mut members = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry(depth + 1)? {
                        Value::Null => {}
                        g => members.push(g),
                    }
                }
                if members.is_empty() {
                    return Some(Value::Null);
                }
                json!({"type": "GeometryCollection", "geometries": members})
            }
            _ => return None,
        })
    }
}
