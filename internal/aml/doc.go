// Package aml screens clients against the lists of persons and organisations linked to the
// financing of terrorism and extremism and under targeted financial sanctions (R8.1), so that
// a listed person is refused (R10): the АФМ's «Перечень организаций и лиц, связанных с
// финансированием терроризма и экстремизма», its list of persons under targeted financial
// sanctions, and the UN Security Council consolidated list.
//
// # Lists
//
// An operator loads each list from the file its publisher issues (Service.Load): the new file
// becomes the list's active version in one transaction, audited with its entry count and
// SHA-256, and every screening result names the versions it was screened against. A file
// that does not parse is refused whole, with the line and element or column at fault: a list
// loaded in part would let a listed person through. Screening with no list loaded fails
// closed (fault.ErrUnavailable, "aml_lists_not_loaded").
//
// Formats, and what about them is confirmed:
//
//   - "un-xml", the UN consolidated list: CONSOLIDATED_LIST with INDIVIDUALS/INDIVIDUAL
//     (FIRST_NAME … FOURTH_NAME, REFERENCE_NUMBER, INDIVIDUAL_ALIAS/ALIAS_NAME,
//     NAME_ORIGINAL_SCRIPT, INDIVIDUAL_DATE_OF_BIRTH with DATE or YEAR) and ENTITIES/ENTITY
//     (FIRST_NAME, ENTITY_ALIAS/ALIAS_NAME). This is the schema the UN publishes; other
//     elements are ignored. BETWEEN birth-year ranges (FROM_YEAR/TO_YEAR) are not used.
//   - "afm-xml", the АФМ export. UNCONFIRMED: the АФМ publishes no schema and none was
//     available when this was written. The defaults (DefaultAFMSchema) follow the export as
//     seen by a public crawler of the lists: person records with lname, fname, mname,
//     birthdate (DD.MM.YYYY) and iin; org records with org_name and org_name_en (several
//     names separated by "; ") and org_iin — the list of participants in terrorist activity
//     writes persons as org records, so an org record whose identifier has an IIN's shape is
//     read as a person. The root element is not checked; the record number element ("num")
//     is a guess, and the position in the file stands in for it. Every element name is
//     configurable through ParseAFM and AFMSchema.
//   - "csv", for a list published or converted as a table: UTF-8 with or without BOM, ';'
//     or ',' separated (the one the header holds more of), a header naming the columns —
//     full name (or last/first/middle name), birth date, IIN/BIN, reference, aliases ('|'
//     separated), kind. The accepted header names are DefaultCSVColumns, configurable
//     through ParseCSV and CSVColumns.
//
// Birth dates are read as DD.MM.YYYY, YYYY-MM-DD or a year alone; identifiers as 12 digits
// (not checksum-verified: the list's value is matched as published), a fifth digit of 4–6
// making it a BIN.
//
// # Matching
//
// Names are compared as sets of words, whatever their order («Фамилия Имя Отчество» or
// FIRST SECOND THIRD) and script: Cyrillic (Russian and Kazakh letters) is transliterated
// to Latin the way passports spell it, accented Kazakh 2021 Latin folded to ASCII, and the
// variant spellings of one sound (Zh/J/Dzh, Kh/H, Yu/Iu, Ya/Ia, Y/I, ГОСТ 7.79's cz and
// shh, doubled letters) merged. Words are compared by Jaro–Winkler similarity, which
// tolerates a typo or a transposition. An IIN (or BIN) equal to a listed one is a hit
// whatever the name. A birth date that matches a listed one raises the score; one that
// does not lowers it, so a namesake born on another day is not a hit (Config). Limits: a
// name written as one word on one side and two on the other ("Abdulrahman" / "Abdul Rahman")
// scores low; the letter x is read as "ks" and j as Ж, not as ГОСТ 7.79 system B's х and й.
//
// The active versions are held in memory, compiled once per version and indexed by the first
// and last three letters of each word, so a screening compares a name only with the entries
// that share a word's beginning or end with two of its words (one for a one-word name), not
// with the whole list.
package aml
