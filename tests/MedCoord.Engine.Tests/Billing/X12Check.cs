using System.Globalization;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// An independent implementation-guide check of an X12 837P file (005010X222A1), written from the guide and sharing no
/// code with the writer. Structure: the fixed-width ISA and its element values, GS/ST identifiers, envelope counts and
/// control numbers (IEA/ISA, GE/GS, SE/ST), SE01 segment counts, the HL hierarchy (20/22/23, parents and child codes),
/// the loops' order and the segments allowed in each loop, in order, with their repeat counts. Situational rules:
/// 2010BA N3/N4/DMG exactly when the patient is the subscriber (SBR02 = 18, no 2000C); PAT in 2000C with a patient
/// relationship code; 2010CA without an id; SBR01/SBR09 code lists; REF*G1 at most once per claim and a line's only
/// when it differs; CLM05 frequency 1/7/8 with REF*F8 exactly for 7 and 8; ZIP+4 in 2010AA and 5 or 9 digits
/// elsewhere, no post office box for the billing provider; no service, adjudication or birth date after the file's
/// creation date; 2310B only for a rendering provider other than the billing provider; SV105 only when it differs
/// from CLM05-1; 2320/2330A/2330B/2430 coordination of benefits (distinct sequences, AMT*D, OI, ids, SVD01 naming a
/// 2330B payer, DTP*573 in 2330B exactly when there is no 2430, balancing line by line and per payer). Elements:
/// lengths and code lists of every element the writer emits, NPI check digits, the character set.
/// </summary>
internal static class X12Check
{
    private const string Basic = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 !\"&'()+,-./;?=";
    private static readonly string[] FilingIndicators = ["11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ"];
    private static readonly string[] PayerSequences = ["P", "S", "T", "A", "B", "C", "D", "E", "F", "G", "H", "U"];
    private static readonly string[] PatientRelationships = ["01", "19", "20", "21", "39", "40", "53", "G8"];
    private static readonly string[] OtherSubscriberRelationships = ["01", "18", "19", "20", "21", "39", "40", "53", "G8"];
    private static readonly string[] AdjustmentGroups = ["CO", "CR", "OA", "PI", "PR"];
    private static readonly string[] ClaimRefOrder = ["4N", "F5", "EW", "9F", "G1", "F8", "X4", "9A", "9C", "LX", "D9", "EA", "P4", "1J"];

    /// <summary>Each loop: the segments it may hold, in order, with their least and most repeats (a tag is an id, or id*qualifier).</summary>
    private static readonly Dictionary<string, (string Tag, int Min, int Max)[]> Templates = new()
    {
        ["HEADER"] = [("BHT", 1, 1)],
        ["1000A"] = [("NM1*41", 1, 1), ("PER", 1, 2)],
        ["1000B"] = [("NM1*40", 1, 1)],
        ["2000A"] = [("HL", 1, 1), ("PRV", 0, 1), ("CUR", 0, 1)],
        ["2010AA"] = [("NM1*85", 1, 1), ("N3", 1, 1), ("N4", 1, 1), ("REF", 1, 3), ("PER", 0, 2)],
        ["2000B"] = [("HL", 1, 1), ("SBR", 1, 1), ("PAT", 0, 1)],
        ["2010BA"] = [("NM1*IL", 1, 1), ("N3", 0, 1), ("N4", 0, 1), ("DMG", 0, 1), ("REF", 0, 2), ("PER", 0, 1)],
        ["2010BB"] = [("NM1*PR", 1, 1), ("N3", 0, 1), ("N4", 0, 1), ("REF", 0, 5)],
        ["2000C"] = [("HL", 1, 1), ("PAT", 1, 1)],
        ["2010CA"] = [("NM1*QC", 1, 1), ("N3", 1, 1), ("N4", 1, 1), ("DMG", 1, 1), ("REF", 0, 1), ("PER", 0, 1)],
        ["2300"] = [("CLM", 1, 1), ("DTP", 0, 17), ("PWK", 0, 10), ("CN1", 0, 1), ("AMT", 0, 1), ("REF", 0, 14), ("K3", 0, 10), ("NTE", 0, 1), ("CR1", 0, 1), ("CR2", 0, 1), ("CRC", 0, 8), ("HI", 1, 4), ("HCP", 0, 1)],
        ["2310B"] = [("NM1*82", 1, 1), ("PRV", 0, 1), ("REF", 0, 4)],
        ["2320"] = [("SBR", 1, 1), ("CAS", 0, 5), ("AMT", 0, 3), ("OI", 1, 1), ("MOA", 0, 1)],
        ["2330A"] = [("NM1*IL", 1, 1), ("N3", 0, 1), ("N4", 0, 1), ("REF", 0, 1)],
        ["2330B"] = [("NM1*PR", 1, 1), ("N3", 0, 1), ("N4", 0, 1), ("DTP*573", 0, 1), ("REF", 0, 6)],
        ["2400"] = [("LX", 1, 1), ("SV1", 1, 1), ("SV5", 0, 1), ("PWK", 0, 10), ("CR1", 0, 1), ("CR3", 0, 1), ("CRC", 0, 5), ("DTP*472", 1, 1), ("DTP", 0, 10), ("QTY", 0, 2), ("MEA", 0, 5), ("CN1", 0, 1), ("REF", 0, 11), ("AMT", 0, 2), ("K3", 0, 10), ("NTE", 0, 2), ("PS1", 0, 1), ("HCP", 0, 1)],
        ["2430"] = [("SVD", 1, 1), ("CAS", 0, 5), ("DTP*573", 1, 1), ("AMT", 0, 1)],
    };

    /// <summary>Which loop may follow which.</summary>
    private static readonly Dictionary<string, string[]> Next = new()
    {
        ["HEADER"] = ["1000A"],
        ["1000A"] = ["1000B"],
        ["1000B"] = ["2000A"],
        ["2000A"] = ["2010AA"],
        ["2010AA"] = ["2000B"],
        ["2000B"] = ["2010BA"],
        ["2010BA"] = ["2010BB"],
        ["2010BB"] = ["2000C", "2300"],
        ["2000C"] = ["2010CA"],
        ["2010CA"] = ["2300"],
        ["2300"] = ["2310B", "2320", "2400"],
        ["2310B"] = ["2320", "2400"],
        ["2320"] = ["2330A"],
        ["2330A"] = ["2330B"],
        ["2330B"] = ["2320", "2400"],
        ["2400"] = ["2400", "2430", "2000A", "2000B"],
        ["2430"] = ["2430", "2400", "2000A", "2000B"],
    };

    public static List<string> Problems(string x12)
    {
        var problems = new List<string>();
        var raw = x12.Split('~').Select(s => s.Trim('\n', '\r')).Where(s => s.Length > 0).ToList();
        var segments = raw.Select(s => s.Split('*')).ToList();
        if (segments.Count < 4 || segments[0][0] != "ISA")
        {
            return ["the file does not start with ISA"];
        }

        problems.AddRange(Isa(raw[0], segments[0]));
        var last = segments[^1];
        if (last[0] != "IEA" || last.Length != 3 || last[2] != segments[0][13] || last[1] != segments.Count(s => s[0] == "GS").ToString(CultureInfo.InvariantCulture))
        {
            problems.Add("IEA does not close the interchange with its group count and ISA13");
        }

        for (var i = 0; i < segments.Count; i++)
        {
            var bad = segments[i].Skip(1).SelectMany(e => e).FirstOrDefault(c => !Basic.Contains(c) && c != ':' && c != '^');
            if (i > 0 && bad != '\0')
            {
                problems.Add($"{segments[i][0]} (segment {i + 1}): character U+{(int)bad:X4} is outside the basic character set");
            }

            switch (segments[i][0])
            {
                case "GS":
                    var ge = segments.FindIndex(i, s => s[0] == "GE");
                    var sets = segments.Skip(i).Take(ge - i).Count(s => s[0] == "ST");
                    if (ge < 0 || segments[ge][2] != segments[i][6] || int.Parse(segments[ge][1], CultureInfo.InvariantCulture) != sets)
                    {
                        problems.Add("GE does not match its GS (control number or transaction count)");
                    }

                    if (segments[i].Length != 9 || segments[i][1] != "HC" || segments[i][7] != "X" || segments[i][8] != "005010X222A1" || !IsDate(segments[i][4]) || segments[i][5].Length != 4
                        || segments[i][2].Length is < 2 or > 15 || segments[i][3].Length is < 2 or > 15 || segments[i][6].Length is < 1 or > 9 || !segments[i][6].All(char.IsAsciiDigit))
                    {
                        problems.Add("GS: must be HC, sender and receiver of 2 to 15 characters, CCYYMMDD, HHMM, a 1-9 digit control number, X, 005010X222A1");
                    }

                    break;
                case "ST":
                    var se = segments.FindIndex(i, s => s[0] == "SE");
                    if (se < 0 || segments[se][2] != segments[i][2] || int.Parse(segments[se][1], CultureInfo.InvariantCulture) != se - i + 1)
                    {
                        problems.Add($"SE does not match ST {segments[i][2]} (control number or segment count {se - i + 1})");
                    }

                    if (se > i)
                    {
                        if (segments[i].Length != 4 || segments[i][1] != "837" || segments[i][2].Length is < 4 or > 9 || segments[i][3] != "005010X222A1")
                        {
                            problems.Add("ST: must be 837, a 4 to 9 character control number and 005010X222A1");
                        }

                        problems.AddRange(Transaction(segments.GetRange(i + 1, se - i - 1)));
                    }

                    break;
            }
        }

        return problems;
    }

    private static IEnumerable<string> Isa(string raw, string[] isa)
    {
        if (raw.Length != 105 || isa.Length != 17)
        {
            yield return $"ISA is {raw.Length + 1} characters with {isa.Length - 1} elements, not 106 and 16";
            yield break;
        }

        int[] widths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
        for (var k = 1; k <= 16; k++)
        {
            if (isa[k].Length != widths[k - 1])
            {
                yield return $"ISA{k:00} is {isa[k].Length} characters, not {widths[k - 1]}";
            }
        }

        if (isa[1] != "00" || isa[3] != "00" || isa[5] != "ZZ" && isa[5] != "01" && isa[5] != "30" || isa[7] != "ZZ" && isa[7] != "01" && isa[7] != "30"
            || !IsDate("20" + isa[9]) || !isa[10].All(char.IsAsciiDigit) || isa[11] != "^" || isa[12] != "00501" || !isa[13].All(char.IsAsciiDigit) || isa[14] is not ("0" or "1")
            || isa[15] is not ("P" or "T") || isa[16] != ":")
        {
            yield return "ISA: an element is not one of its codes (00, ZZ, YYMMDD, HHMM, ^, 00501, nine digits, 0/1, P/T, :)";
        }
    }

    private static string Tag(string[] s) => s[0] is "NM1" or "DTP" && s.Length > 1 ? $"{s[0]}*{s[1]}" : s[0];

    private static IEnumerable<string> Transaction(List<string[]> t)
    {
        // Assign every segment to its loop.
        var loops = new List<(string Loop, List<string[]> Segments)>();
        string? current = null;
        foreach (var s in t)
        {
            string? opens = (s[0], s.ElementAtOrDefault(1), s.ElementAtOrDefault(3)) switch
            {
                ("BHT", _, _) => "HEADER",
                ("NM1", "41", _) => "1000A",
                ("NM1", "40", _) => "1000B",
                ("HL", _, "20") => "2000A",
                ("HL", _, "22") => "2000B",
                ("HL", _, "23") => "2000C",
                ("NM1", "85", _) => "2010AA",
                ("NM1", "IL", _) => current == "2320" ? "2330A" : "2010BA",
                ("NM1", "PR", _) => current == "2330A" ? "2330B" : "2010BB",
                ("NM1", "QC", _) => "2010CA",
                ("NM1", "82", _) => "2310B",
                ("NM1", _, _) => "unknown NM1*" + s[1],
                ("CLM", _, _) => "2300",
                ("SBR", _, _) when current is "2300" or "2310B" or "2330B" => "2320",
                ("LX", _, _) => "2400",
                ("SVD", _, _) => "2430",
                _ => null,
            };
            if (opens is not null)
            {
                if (current is null ? opens != "HEADER" : !Next.TryGetValue(current, out var next) || !next.Contains(opens))
                {
                    yield return $"loop {opens} cannot follow loop {current ?? "ST"}";
                }

                current = opens;
                loops.Add((opens, []));
            }

            if (loops.Count == 0)
            {
                yield return $"{s[0]} before BHT";
                continue;
            }

            loops[^1].Segments.Add(s);
        }

        if (current is not ("2400" or "2430"))
        {
            yield return $"the transaction ends in loop {current}, not in a service line";
        }

        foreach (var (loop, segs) in loops)
        {
            foreach (var problem in Order(loop, segs))
            {
                yield return problem;
            }
        }

        foreach (var problem in Hierarchy(loops).Concat(Elements(loops)).Concat(Rules(loops)))
        {
            yield return problem;
        }
    }

    /// <summary>The loop's segments follow its template in order and within their repeat counts.</summary>
    private static IEnumerable<string> Order(string loop, List<string[]> segs)
    {
        if (!Templates.TryGetValue(loop, out var template))
        {
            yield return $"{loop} is not a loop of the 837P";
            yield break;
        }

        var k = 0;
        foreach (var (tag, min, max) in template)
        {
            var count = 0;
            while (k < segs.Count && (Tag(segs[k]) == tag || segs[k][0] == tag) && !(tag == "DTP" && Tag(segs[k]) == "DTP*472" && loop == "2400"))
            {
                count++;
                k++;
            }

            if (count < min || count > max)
            {
                yield return $"loop {loop}: {tag} appears {count} times, allowed {min} to {max}";
            }
        }

        if (k < segs.Count)
        {
            yield return $"loop {loop}: {Tag(segs[k])} is out of order or not allowed";
        }
    }

    private static IEnumerable<string> Hierarchy(List<(string Loop, List<string[]> Segments)> loops)
    {
        var hls = loops.Where(l => l.Loop is "2000A" or "2000B" or "2000C").Select(l => l.Segments[0]).ToList();
        var levels = new Dictionary<string, string>();
        var parents = new List<string>();
        for (var k = 0; k < hls.Count; k++)
        {
            var hl = hls[k];
            if (hl.Length != 5 || hl[1] != (k + 1).ToString(CultureInfo.InvariantCulture))
            {
                yield return $"HL {hl.ElementAtOrDefault(1)} is out of sequence or malformed (expected {k + 1} with four elements)";
                continue;
            }

            var expectedParent = hl[3] switch { "20" => null, "22" => "20", "23" => "22", _ => "?" };
            if (expectedParent is null ? hl[2].Length != 0 : !levels.TryGetValue(hl[2], out var level) || level != expectedParent)
            {
                yield return $"HL {hl[1]} (level {hl[3]}) has parent '{hl[2]}', not an earlier HL of level {expectedParent ?? "none"}";
            }

            levels[hl[1]] = hl[3];
            parents.Add(hl[2]);
        }

        foreach (var hl in hls.Where(h => h.Length == 5))
        {
            if (hl[4] is not ("0" or "1") || (hl[4] == "1") != parents.Contains(hl[1]))
            {
                yield return $"HL {hl[1]} has child code {hl[4]} but {(parents.Contains(hl[1]) ? "has" : "has no")} children";
            }
        }
    }

    /// <summary>Lengths and code lists of the elements, loop by loop.</summary>
    private static IEnumerable<string> Elements(List<(string Loop, List<string[]> Segments)> loops)
    {
        foreach (var (loop, segs) in loops)
        {
            foreach (var s in segs)
            {
                var e = (int k) => s.ElementAtOrDefault(k) ?? string.Empty;
                string? problem = s[0] switch
                {
                    "BHT" => e(1) == "0019" && e(2) is "00" or "18" && e(3).Length is >= 1 and <= 50 && IsDate(e(4)) && e(5).Length is 4 or 6 or 8 && e(6) is "CH" or "RP" or "31" ? null : "BHT: 0019, 00/18, a reference, CCYYMMDD, HHMM, CH/RP/31",
                    "PER" => e(1) == "IC" && e(2).Length <= 60 && e(3) is "TE" or "EM" or "FX" && e(4).Length is >= 1 and <= 256 && (e(3) != "TE" || e(4).Length >= 10 && e(4).All(char.IsAsciiDigit)) ? null : "PER: IC, a name, TE/EM/FX and a number (a phone has at least 10 digits)",
                    "NM1" => Name(loop, s),
                    "N3" => e(1).Length is >= 1 and <= 55 && e(2).Length <= 55 ? null : "N3: 1 to 55 characters",
                    "N4" => Postal(loop, s),
                    "REF" => e(2).Length is >= 1 and <= 50 && e(1).Length is 2 or 3 ? null : "REF: a qualifier and 1 to 50 characters",
                    "DMG" => e(1) == "D8" && IsDate(e(2)) && e(3) is "F" or "M" or "U" ? null : "DMG: D8, a date CCYYMMDD and F/M/U",
                    "SBR" => Sbr(loop, s),
                    "PAT" => PatientRelationships.Contains(e(1)) && s.Length == 2 ? null : "PAT: PAT01 must be a patient relationship code (01, 19, 20, 21, 39, 40, 53, G8)",
                    "CLM" => Clm(s),
                    "HI" => Hi(s),
                    "LX" => int.TryParse(e(1), out var lx) && lx >= 1 ? null : "LX: a positive number",
                    "SV1" => Sv1(s),
                    "DTP" => e(1).Length == 3 && e(2) == "D8" && IsDate(e(3)) ? null : "DTP: a qualifier, D8 and a date CCYYMMDD",
                    "CAS" => Cas(s),
                    "AMT" => e(1).Length is >= 1 and <= 3 && IsAmount(e(2)) ? null : "AMT: a qualifier and an amount",
                    "OI" => e(1).Length == 0 && e(2).Length == 0 && e(3) is "N" or "W" or "Y" && e(4) is "" or "P" && e(6) is "I" or "Y" ? null : "OI: OI03 N/W/Y, OI04 empty or P, OI06 I/Y",
                    "SVD" => e(1).Length is >= 2 and <= 80 && IsAmount(e(2)) && e(3).StartsWith("HC:", StringComparison.Ordinal) && e(4).Length == 0 && IsAmount(e(5)) ? null : "SVD: a payer id, an amount, HC:procedure, units",
                    _ => null,
                };
                if (problem is not null)
                {
                    yield return $"loop {loop}: {problem} (found {string.Join("*", s)})";
                }
            }
        }
    }

    private static string? Name(string loop, string[] s)
    {
        var e = (int k) => s.ElementAtOrDefault(k) ?? string.Empty;
        if (e(2) is not ("1" or "2") || e(3).Length is < 1 or > 60 || e(4).Length > 35 || (e(2) == "2" && e(4).Length > 0) || s.Length > 10 || e(5).Length + e(6).Length + e(7).Length > 0 && e(2) == "2")
        {
            return "NM1: entity type 1 or 2, a name of 1 to 60 characters, a first name of at most 35 (a person only)";
        }

        var (qualifiers, required) = loop switch
        {
            "1000A" or "1000B" => (new[] { "46" }, true),
            "2010AA" or "2310B" => (["XX"], true),
            "2010BA" or "2330A" => (["MI", "II"], true),
            "2010BB" or "2330B" => (["PI", "XV"], true),
            "2010CA" => ([], false),
            _ => ([], false),
        };
        if (!required)
        {
            return s.Length <= 8 ? null : $"NM1*{s[1]}: no id in {loop}";
        }

        if (!qualifiers.Contains(e(8)) || e(9).Length is < 2 or > 80)
        {
            return $"NM1*{s[1]}: NM108 must be {string.Join("/", qualifiers)} with an id of 2 to 80 characters";
        }

        return e(8) == "XX" && !IsNpi(e(9)) ? $"NM1*{s[1]}: NM109 is not an NPI with a valid check digit" : null;
    }

    private static string? Postal(string loop, string[] s)
    {
        var e = (int k) => s.ElementAtOrDefault(k) ?? string.Empty;
        var zip = e(3);
        var digits = zip.All(char.IsAsciiDigit);
        if (e(1).Length is < 2 or > 30 || e(2).Length != 2 || !e(2).All(char.IsAsciiLetterUpper))
        {
            return "N4: a city of 2 to 30 characters and a two-letter state";
        }

        return loop == "2010AA"
            ? (zip.Length == 9 && digits ? null : "N4: the billing provider's ZIP code must have 9 digits")
            : (zip.Length is 5 or 9 && digits ? null : "N4: a ZIP code of 5 or 9 digits");
    }

    /// <summary>SBR05 insurance type codes for Medicare as a secondary payer (837P TR3, 2000B SBR05).</summary>
    private static readonly HashSet<string> MedicareSecondaryTypes = ["12", "13", "14", "15", "16", "41", "42", "43", "47"];

    private static string? Sbr(string loop, string[] s)
    {
        var e = (int k) => s.ElementAtOrDefault(k) ?? string.Empty;
        if (!PayerSequences.Contains(e(1)))
        {
            return "SBR: SBR01 must be a payer responsibility sequence code";
        }

        if (loop == "2000B" ? e(2) is not ("" or "18") : !OtherSubscriberRelationships.Contains(e(2)))
        {
            return loop == "2000B" ? "SBR: SBR02 is 18 or empty in 2000B" : "SBR: SBR02 must be an individual relationship code in 2320";
        }

        if (e(3).Length > 50 || e(4).Length > 60 || e(6).Length + e(7).Length + e(8).Length > 0)
        {
            return "SBR: a group number of at most 50 characters; SBR06 to SBR08 not used";
        }

        // SBR05, the insurance type code: only for Medicare (SBR09 MA or MB), and then exactly when Medicare is not the
        // primary payer (SBR01 other than P) — the Medicare secondary payer type from the guide's code list.
        var medicareSecondary = e(9) is "MA" or "MB" && e(1) != "P";
        if (medicareSecondary ? !MedicareSecondaryTypes.Contains(e(5)) : e(5).Length > 0)
        {
            return medicareSecondary ? "SBR: SBR05 must be a Medicare secondary payer type when Medicare is not primary" : "SBR: SBR05 is used only when Medicare is a secondary payer";
        }

        return FilingIndicators.Contains(e(9)) && s.Length == 10 ? null : "SBR: SBR09 must be a claim filing indicator code";
    }

    private static string? Clm(string[] s)
    {
        var e = (int k) => s.ElementAtOrDefault(k) ?? string.Empty;
        var facility = e(5).Split(':');
        return e(1).Length is >= 1 and <= 38 && IsAmount(e(2)) && e(3).Length == 0 && e(4).Length == 0
            && facility.Length == 3 && facility[0].Length == 2 && facility[0].All(char.IsAsciiDigit) && facility[1] == "B" && facility[2] is "1" or "7" or "8"
            && e(6) is "Y" or "N" && e(7) is "A" or "B" or "C" && e(8) is "N" or "W" or "Y" && e(9) is "I" or "Y"
            ? null : "CLM: an id of 1 to 38 characters, an amount, place:B:1/7/8, Y/N, A/B/C, N/W/Y, I/Y";
    }

    private static string? Hi(string[] s)
    {
        var codes = s.Skip(1).Select(c => c.Split(':')).ToList();
        return codes.Count is >= 1 and <= 12 && codes[0][0] == "ABK" && codes.Skip(1).All(c => c[0] == "ABF") && codes.All(c => c.Length == 2 && c[1].Length is >= 3 and <= 7 && !c[1].Contains('.', StringComparison.Ordinal))
            ? null : "HI: 1 to 12 codes, ABK first then ABF, without dots";
    }

    private static string? Sv1(string[] s)
    {
        var e = (int k) => s.ElementAtOrDefault(k) ?? string.Empty;
        var procedure = e(1).Split(':');
        return procedure[0] == "HC" && procedure.Length is >= 2 and <= 6 && procedure[1].Length == 5 && procedure.Skip(2).All(m => m.Length == 2)
            && IsAmount(e(2)) && e(3) is "UN" or "MJ" && IsAmount(e(4)) && decimal.Parse(e(4), CultureInfo.InvariantCulture) > 0
            && e(5).Length is 0 or 2 && e(6).Length == 0 && e(7).Split(':').Length is >= 1 and <= 4 && e(7).Split(':').All(p => p.Length is 1 or 2 && p.All(char.IsAsciiDigit))
            ? null : "SV1: HC:code:up to four modifiers, an amount, UN/MJ, units, an optional place of service, 1 to 4 pointers";
    }

    private static string? Cas(string[] s)
    {
        if (!AdjustmentGroups.Contains(s.ElementAtOrDefault(1)) || s.Length < 4 || s.Length > 20)
        {
            return "CAS: a group CO/CR/OA/PI/PR and 1 to 6 reason, amount, quantity entries";
        }

        for (var k = 2; k < s.Length; k += 3)
        {
            if (s[k].Length is < 1 or > 5 || k + 1 >= s.Length || !IsAmount(s[k + 1]) || (k + 2 < s.Length && s[k + 2].Length > 0 && !IsAmount(s[k + 2])))
            {
                return "CAS: each entry is a reason code of 1 to 5 characters and an amount";
            }
        }

        return null;
    }

    /// <summary>The situational rules, claim by claim.</summary>
    private static IEnumerable<string> Rules(List<(string Loop, List<string[]> Segments)> loops)
    {
        var created = loops.First(l => l.Loop == "HEADER").Segments[0].ElementAtOrDefault(4) ?? string.Empty;
        var billingNpi = string.Empty;
        for (var i = 0; i < loops.Count; i++)
        {
            var (loop, segs) = loops[i];
            if (loop == "2010AA")
            {
                billingNpi = segs[0].ElementAtOrDefault(9) ?? string.Empty;
                var n3 = segs.FirstOrDefault(s => s[0] == "N3") ?? [];
                var streets = n3.Skip(1).Select(line => new string([.. line.Where(char.IsAsciiLetterOrDigit)]).ToUpperInvariant());
                if (streets.Any(street => street.StartsWith("POBOX", StringComparison.Ordinal) || street.StartsWith("POSTOFFICEBOX", StringComparison.Ordinal)))
                {
                    yield return "2010AA: the billing provider's address must be a street address";
                }

                if (!segs.Any(s => s[0] == "REF" && s.ElementAtOrDefault(1) is "EI" or "SY" && (s[1] != "EI" || s[2].Length == 9 && s[2].All(char.IsAsciiDigit))))
                {
                    yield return "2010AA: REF*EI (nine digits) or REF*SY is required";
                }
            }

            if (loop == "2000A" && segs[0].ElementAtOrDefault(4) != "1")
            {
                yield return "2000A: HL04 must be 1";
            }

            if (loop != "2000B")
            {
                continue;
            }

            var end = loops.FindIndex(i + 1, l => l.Loop is "2000A" or "2000B");
            var group = loops.GetRange(i, (end < 0 ? loops.Count : end) - i);
            foreach (var problem in Subscriber(group, created, billingNpi))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> Subscriber(List<(string Loop, List<string[]> Segments)> group, string created, string billingNpi)
    {
        List<string[]> Loop(string name) => group.FirstOrDefault(l => l.Loop == name).Segments ?? [];
        var sbr = Loop("2000B").First(s => s[0] == "SBR");
        var patientIsSubscriber = sbr.ElementAtOrDefault(2) == "18";
        var hasPatientLoop = group.Any(l => l.Loop == "2000C");
        var claimId = Loop("2300").FirstOrDefault()?.ElementAtOrDefault(1) ?? "?";
        var at = $"claim {claimId}";
        if (patientIsSubscriber == hasPatientLoop)
        {
            yield return $"{at}: SBR02 is 18 exactly when there is no 2000C patient loop";
        }

        if (Loop("2000B").Any(s => s[0] == "PAT"))
        {
            yield return $"{at}: PAT in 2000B only carries death, weight or pregnancy, which are not sent";
        }

        var subscriberDetails = Loop("2010BA").Where(s => s[0] is "N3" or "N4" or "DMG").Select(s => s[0]).ToList();
        if (patientIsSubscriber && subscriberDetails.Count != 3)
        {
            yield return $"{at}: 2010BA needs N3, N4 and DMG when the patient is the subscriber";
        }

        if (!patientIsSubscriber && subscriberDetails.Count > 0)
        {
            yield return $"{at}: 2010BA carries {string.Join(", ", subscriberDetails)}, which are sent only when the patient is the subscriber";
        }

        var dates = group.SelectMany(l => l.Segments).Where(s => s[0] == "DMG" || s[0] == "DTP").Select(s => s[0] == "DMG" ? s[2] : s[3]);
        if (dates.Any(d => string.CompareOrdinal(d, created) > 0))
        {
            yield return $"{at}: a date of service, birth or adjudication is after the file's creation date {created}";
        }

        var claim = Loop("2300");
        if (claim.Count == 0)
        {
            yield return $"{at}: no 2300 claim";
            yield break;
        }

        var clm = claim[0];
        var facility = clm.ElementAtOrDefault(5)?.Split(':') ?? [];
        var refs = claim.Where(s => s[0] == "REF").Select(s => s[1]).ToList();
        var order = refs.Select(q => Array.IndexOf(ClaimRefOrder, q)).ToList();
        if (order.Any(o => o < 0) || !order.SequenceEqual(order.Order()) || refs.Distinct().Count() != refs.Count)
        {
            yield return $"{at}: 2300 REF qualifiers {string.Join(",", refs)} are unknown, repeated or out of order";
        }

        if ((facility.ElementAtOrDefault(2) is "7" or "8") != refs.Contains("F8"))
        {
            yield return $"{at}: REF*F8 is sent exactly for a replacement (7) or void (8)";
        }

        if (group.Any(l => l.Loop == "2310B") && Loop("2310B")[0].ElementAtOrDefault(9) == billingNpi)
        {
            yield return $"{at}: 2310B repeats the billing provider";
        }

        var diagnoses = claim.FirstOrDefault(s => s[0] == "HI")?.Length - 1 ?? 0;
        var claimAuthorization = claim.FirstOrDefault(s => s[0] == "REF" && s[1] == "G1")?[2];
        var lines = group.Where(l => l.Loop == "2400").Select(l => l.Segments).ToList();
        var total = 0m;
        for (var k = 0; k < lines.Count; k++)
        {
            var line = lines[k];
            var sv1 = line.First(s => s[0] == "SV1");
            total += decimal.Parse(sv1[2], CultureInfo.InvariantCulture);
            if (line[0].ElementAtOrDefault(1) != (k + 1).ToString(CultureInfo.InvariantCulture))
            {
                yield return $"{at}: LX {line[0].ElementAtOrDefault(1)} is not {k + 1}";
            }

            if (sv1.ElementAtOrDefault(5) is { Length: > 0 } place && place == facility[0])
            {
                yield return $"{at}: line {k + 1} repeats the claim's place of service in SV105";
            }

            if ((sv1.ElementAtOrDefault(7) ?? string.Empty).Split(':').Any(p => !int.TryParse(p, out var n) || n < 1 || n > diagnoses))
            {
                yield return $"{at}: line {k + 1} points to a diagnosis the claim does not have";
            }

            var lineAuthorizations = line.Where(s => s[0] == "REF" && s[1] == "G1").ToList();
            if (lineAuthorizations.Count > 1 || lineAuthorizations.Any(r => r[2] == claimAuthorization))
            {
                yield return $"{at}: line {k + 1} has REF*G1 more than once or the same as the claim's";
            }
        }

        if (decimal.Parse(clm[2], CultureInfo.InvariantCulture) != total)
        {
            yield return $"{at}: CLM02 {clm[2]} is not the sum of its lines' charges {total}";
        }

        foreach (var problem in Coordination(group, at, sbr[1], decimal.Parse(clm[2], CultureInfo.InvariantCulture)))
        {
            yield return problem;
        }
    }

    /// <summary>2320 / 2330A / 2330B / 2430: each earlier payer's decision, and the balancing the guide asks for.</summary>
    private static IEnumerable<string> Coordination(List<(string Loop, List<string[]> Segments)> group, string at, string destinationSequence, decimal charge)
    {
        var payers = new List<(string Sequence, string Id, List<string[]> Other, bool HasDate, decimal? Paid)>();
        for (var k = 0; k < group.Count; k++)
        {
            if (group[k].Loop != "2320")
            {
                continue;
            }

            var other = group[k].Segments;
            var a = k + 1 < group.Count && group[k + 1].Loop == "2330A" ? group[k + 1].Segments : null;
            var b = k + 2 < group.Count && group[k + 2].Loop == "2330B" ? group[k + 2].Segments : null;
            if (a is null || b is null)
            {
                yield return $"{at}: 2320 needs 2330A and 2330B";
                continue;
            }

            var paid = other.FirstOrDefault(s => s[0] == "AMT" && s[1] == "D")?[2];
            payers.Add((other[0][1], b[0].ElementAtOrDefault(9) ?? string.Empty, other, b.Any(s => Tag(s) == "DTP*573"), paid is null ? null : decimal.Parse(paid, CultureInfo.InvariantCulture)));
        }

        var sequences = payers.Select(p => p.Sequence).Append(destinationSequence).ToList();
        if (sequences.Distinct().Count() != sequences.Count)
        {
            yield return $"{at}: payer responsibility sequences {string.Join(",", sequences)} repeat";
        }

        if (payers.Select(p => p.Id).Distinct().Count() != payers.Count)
        {
            yield return $"{at}: two 2330B loops name the same payer";
        }

        var decisions = group.Where(l => l.Loop == "2430").Select(l => l.Segments).ToList();
        foreach (var svd in decisions.Select(d => d[0]).Where(s => payers.All(p => p.Id != s[1])))
        {
            yield return $"{at}: SVD01 {svd[1]} names no 2330B payer";
        }

        foreach (var (_, id, other, hasDate, paid) in payers)
        {
            var mine = new List<(decimal Charge, List<string[]> Segments)>();
            var lineCharge = 0m;
            foreach (var (loop, segs) in group.Where(l => l.Loop is "2400" or "2430"))
            {
                if (loop == "2400")
                {
                    lineCharge = decimal.Parse(segs.First(s => s[0] == "SV1")[2], CultureInfo.InvariantCulture);
                }
                else if (segs[0][1] == id)
                {
                    mine.Add((lineCharge, segs));
                }
            }

            if (hasDate == (mine.Count > 0))
            {
                yield return $"{at}: 2330B DTP*573 for payer {id} is sent exactly when it has no 2430 line decisions";
            }

            if (paid is null)
            {
                yield return $"{at}: 2320 for payer {id} has no AMT*D paid amount";
                continue;
            }

            var lineAdjustments = 0m;
            foreach (var (billed, segs) in mine)
            {
                var adjusted = CasSum(segs);
                lineAdjustments += adjusted;
                if (decimal.Parse(segs[0][2], CultureInfo.InvariantCulture) + adjusted != billed)
                {
                    yield return $"{at}: payer {id}'s SVD02 {segs[0][2]} and adjustments {adjusted} do not balance to the line charge {billed}";
                }
            }

            if (mine.Count > 0 && mine.Sum(m => decimal.Parse(m.Segments[0][2], CultureInfo.InvariantCulture)) != paid)
            {
                yield return $"{at}: payer {id}'s AMT*D {paid} is not the sum of its SVD02 amounts";
            }

            if (paid + CasSum(other) + lineAdjustments != charge)
            {
                yield return $"{at}: payer {id}'s AMT*D {paid} and adjustments do not balance to the claim charge {charge}";
            }
        }
    }

    private static decimal CasSum(List<string[]> segs) =>
        segs.Where(s => s[0] == "CAS").Sum(s => Enumerable.Range(0, s.Length / 3).Select(k => 3 + (3 * k)).Where(k => k < s.Length).Sum(k => decimal.Parse(s[k], CultureInfo.InvariantCulture)));

    private static bool IsAmount(string text) =>
        text.Length is >= 1 and <= 18 && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _) && !text.EndsWith('.');

    private static bool IsDate(string text) => text.Length == 8 && DateTime.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>The NPI check digit (Luhn over 80840 and the first nine digits), written here again from the CMS rule.</summary>
    private static bool IsNpi(string npi)
    {
        if (npi.Length != 10 || !npi.All(char.IsAsciiDigit))
        {
            return false;
        }

        var payload = "80840" + npi[..9];
        var sum = payload.Reverse().Select((c, i) => i % 2 == 0 ? ((c - '0') * 2 % 10) + ((c - '0') * 2 / 10) : c - '0').Sum();
        return (sum + (npi[9] - '0')) % 10 == 0;
    }
}
