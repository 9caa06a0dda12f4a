using System.Globalization;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// An independent structural check of an X12 837P file (shares no code with the writer): the fixed-width ISA, envelope
/// counts and control numbers (IEA/ISA, GE/GS, SE/ST), SE01 segment counts, HL numbering with parents and child flags,
/// the loops' order, CLM totals equal to the sum of their SV1 charges, HI with ABK first then ABF and no dots, LX
/// numbering, and diagnosis pointers within the claim's diagnoses.
/// </summary>
internal static class X12Check
{
    public static List<string> Problems(string x12)
    {
        var problems = new List<string>();
        var raw = x12.Split('~').Select(s => s.Trim('\n', '\r')).Where(s => s.Length > 0).ToList();
        var segments = raw.Select(s => s.Split('*')).ToList();
        if (segments.Count < 4 || segments[0][0] != "ISA")
        {
            return ["the file does not start with ISA"];
        }

        if (raw[0].Length != 105 || segments[0].Length != 17)
        {
            problems.Add($"ISA is {raw[0].Length + 1} characters with {segments[0].Length - 1} elements, not 106 and 16");
        }

        var last = segments[^1];
        if (last[0] != "IEA" || last[2] != segments[0][13] || int.Parse(last[1], CultureInfo.InvariantCulture) != segments.Count(s => s[0] == "GS"))
        {
            problems.Add("IEA does not close the interchange with its group count and ISA13");
        }

        for (var i = 0; i < segments.Count; i++)
        {
            switch (segments[i][0])
            {
                case "GS":
                    var ge = segments.FindIndex(i, s => s[0] == "GE");
                    var sets = segments.Skip(i).Take(ge - i).Count(s => s[0] == "ST");
                    if (ge < 0 || segments[ge][2] != segments[i][6] || int.Parse(segments[ge][1], CultureInfo.InvariantCulture) != sets)
                    {
                        problems.Add("GE does not match its GS (control number or transaction count)");
                    }

                    break;
                case "ST":
                    var se = segments.FindIndex(i, s => s[0] == "SE");
                    if (se < 0 || segments[se][2] != segments[i][2] || int.Parse(segments[se][1], CultureInfo.InvariantCulture) != se - i + 1)
                    {
                        problems.Add($"SE does not match ST {segments[i][2]} (control number or segment count {se - i + 1})");
                    }
                    else
                    {
                        problems.AddRange(Transaction(segments.GetRange(i, se - i + 1)));
                    }

                    break;
            }
        }

        return problems;
    }

    private static IEnumerable<string> Transaction(List<string[]> t)
    {
        if (t[1][0] != "BHT" || t[2][0] != "NM1" || t[2][1] != "41" || t.FindIndex(s => s[0] == "NM1" && s[1] == "40") < 0)
        {
            yield return "BHT, 1000A (NM1*41) and 1000B (NM1*40) must open the transaction";
        }

        var levels = new Dictionary<int, string>();
        var parents = new Dictionary<int, int>();
        var hls = t.Where(s => s[0] == "HL").ToList();
        for (var k = 0; k < hls.Count; k++)
        {
            var id = int.Parse(hls[k][1], CultureInfo.InvariantCulture);
            if (id != k + 1)
            {
                yield return $"HL {id} is out of sequence (expected {k + 1})";
            }

            levels[id] = hls[k][3];
            var expectedParent = hls[k][3] switch { "20" => null, "22" => "20", "23" => "22", _ => "?" };
            if (expectedParent is null ? hls[k][2].Length != 0 : !int.TryParse(hls[k][2], out var parent) || !levels.TryGetValue(parent, out var level) || level != expectedParent)
            {
                yield return $"HL {id} (level {hls[k][3]}) has parent '{hls[k][2]}', not an earlier HL of level {expectedParent ?? "none"}";
            }
            else if (expectedParent is not null)
            {
                parents[id] = int.Parse(hls[k][2], CultureInfo.InvariantCulture);
            }
        }

        foreach (var hl in hls)
        {
            var id = int.Parse(hl[1], CultureInfo.InvariantCulture);
            if ((hl[4] == "1") != parents.ContainsValue(id))
            {
                yield return $"HL {id} has child code {hl[4]} but {(parents.ContainsValue(id) ? "has" : "has no")} children";
            }
        }

        for (var i = 0; i < t.Count; i++)
        {
            if (t[i][0] != "CLM")
            {
                continue;
            }

            var end = t.FindIndex(i + 1, s => s[0] is "CLM" or "HL" or "SE");
            var claim = t.GetRange(i, end - i);
            var hi = claim.FirstOrDefault(s => s[0] == "HI");
            var codes = hi?.Skip(1).Select(c => c.Split(':')).ToList() ?? [];
            if (codes.Count is 0 or > 12 || codes[0][0] != "ABK" || codes.Skip(1).Any(c => c[0] != "ABF") || codes.Any(c => c[1].Contains('.', StringComparison.Ordinal)))
            {
                yield return $"claim {t[i][1]}: HI must hold 1 to 12 codes, ABK first then ABF, without dots";
            }

            var lines = claim.Where(s => s[0] == "SV1").ToList();
            var total = lines.Sum(s => decimal.Parse(s[2], CultureInfo.InvariantCulture));
            if (total != decimal.Parse(t[i][2], CultureInfo.InvariantCulture))
            {
                yield return $"claim {t[i][1]}: CLM02 {t[i][2]} is not the sum of its lines' charges {total}";
            }

            var lx = claim.Where(s => s[0] == "LX").Select(s => int.Parse(s[1], CultureInfo.InvariantCulture)).ToList();
            if (!lx.SequenceEqual(Enumerable.Range(1, lines.Count)))
            {
                yield return $"claim {t[i][1]}: LX numbers {string.Join(",", lx)} do not run 1..{lines.Count}";
            }

            foreach (var line in lines)
            {
                var pointers = line.Length > 7 ? line[7].Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList() : [];
                if (pointers.Count is 0 or > 4 || pointers.Any(p => p < 1 || p > codes.Count))
                {
                    yield return $"claim {t[i][1]}: SV1 pointers {string.Join(":", pointers)} are not 1 to 4 positions among {codes.Count} diagnoses";
                }
            }
        }
    }
}
