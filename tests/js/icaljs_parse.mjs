// Parse an iCalendar file (stdin) with ical.js and print its VEVENTs as JSON, so that tests can
// compare a second parser's reading with icalendar's. Every VTIMEZONE in the file is registered
// first; a TZID without one, a floating time or a date comes back with "utc": null (ical.js
// cannot place it in time), so a test sees what a calendar client would have to guess.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const root = new ICAL.Component(ICAL.parse(text));
for (const vtz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtz);
}

function when(vevent, name) {
  const prop = vevent.getFirstProperty(name);
  if (!prop) return null;
  const time = prop.getFirstValue();
  const tzid = prop.getParameter("tzid") || null;
  const value = time.toString();
  const floating = !time.isDate && tzid === null && !value.endsWith("Z");
  let utc = null;
  if (!time.isDate && !floating && (tzid === null || ICAL.TimezoneService.has(tzid))) {
    utc = time.toJSDate().toISOString().replace(".000Z", "Z");
  }
  return { value, tzid, is_date: time.isDate, floating, utc };
}

function stamp(vevent, name) {
  const value = vevent.getFirstPropertyValue(name);
  return value ? value.toString() : null;
}

const events = root.getAllSubcomponents("vevent").map((vevent) => ({
  uid: vevent.getFirstPropertyValue("uid"),
  summary: vevent.getFirstPropertyValue("summary"),
  dtstart: when(vevent, "dtstart"),
  dtend: when(vevent, "dtend"),
  status: vevent.getFirstPropertyValue("status"),
  sequence: vevent.getFirstPropertyValue("sequence"),
  last_modified: stamp(vevent, "last-modified"),
  dtstamp: stamp(vevent, "dtstamp"),
}));
process.stdout.write(JSON.stringify({ calendar: { name: root.getFirstPropertyValue("x-wr-calname") }, events }));
