//! CSV: the input as a table after an ACLED header, and as a whole file
//! (its own header, delimiter and quoting).
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = common::framed(
        "event_id_cnty,event_date,time_precision,event_type,actor1,latitude,longitude,geo_precision,notes,fatalities\n",
        data,
        "",
    );
    common::load_and_use("f.csv", &file);
    common::load_and_use("g.csv", &common::framed("id,date,lat,lon,title\n", data, ""));
});
