using System.Globalization;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Billing.X12;

/// <summary>An IK4 of a 999: a data element in error.</summary>
/// <param name="Position">IK401: the element's position in its segment (with the component and repetition when given, as 9:2:1).</param>
/// <param name="Reference">IK402: the data element reference number, if given.</param>
/// <param name="Code">IK403: the syntax error code (1 missing, 7 invalid code value, 8 invalid date, ...).</param>
public sealed record ElementError(string Position, string Reference, string Code);

/// <summary>An IK3 of a 999: a segment in error, and its element errors.</summary>
/// <param name="SegmentId">IK301.</param>
/// <param name="Position">IK302: the segment's position in the acknowledged transaction set (ST is 1).</param>
/// <param name="Loop">IK303: the loop, if given.</param>
/// <param name="Code">IK304: the segment syntax error code, if given.</param>
/// <param name="ClaimId">The claim a CTX*CLM01 names, if any.</param>
/// <param name="Elements">Its IK4s.</param>
public sealed record SegmentError(string SegmentId, string Position, string Loop, string Code, string? ClaimId, IReadOnlyList<ElementError> Elements);

/// <summary>An AK2 loop of a 999: one acknowledged transaction set.</summary>
/// <param name="SetId">AK201 (837).</param>
/// <param name="ControlNumber">AK202: the set's ST02.</param>
/// <param name="Code">IK501: A accepted, E accepted with errors, M, R, W or X rejected.</param>
/// <param name="Errors">IK502–IK506 codes.</param>
/// <param name="Segments">The IK3 loops.</param>
public sealed record SetAcknowledgement(string SetId, string ControlNumber, string Code, IReadOnlyList<string> Errors, IReadOnlyList<SegmentError> Segments)
{
    /// <summary>Gets whether the set was accepted (IK501 A or E).</summary>
    public bool Accepted => Code is "A" or "E";
}

/// <summary>A 999 implementation acknowledgement (005010X231A1) of one functional group.</summary>
/// <param name="Position">The AK1's segment number.</param>
/// <param name="FunctionalId">AK101 (HC for claims).</param>
/// <param name="GroupControlNumber">AK102: the acknowledged group's GS06.</param>
/// <param name="Code">AK901: A, E, P (partially accepted), M, R, W or X.</param>
/// <param name="Included">AK902: transaction sets included.</param>
/// <param name="Received">AK903: transaction sets received.</param>
/// <param name="AcceptedCount">AK904: transaction sets accepted.</param>
/// <param name="Errors">AK905–AK909 codes.</param>
/// <param name="Sets">The AK2 loops.</param>
public sealed record FunctionalAcknowledgement(int Position, string FunctionalId, string GroupControlNumber, string Code, int Included, int Received, int AcceptedCount,
    IReadOnlyList<string> Errors, IReadOnlyList<SetAcknowledgement> Sets);

/// <summary>An STC status: category, status and entity codes (STC01, STC10 or STC11).</summary>
/// <param name="Category">Claim status category code (A2 accepted, A3, A6, A7, A8 rejected, ...).</param>
/// <param name="Status">Claim status code (for example 21 missing or invalid information).</param>
/// <param name="Entity">Entity identifier code, if given.</param>
public sealed record ClaimStatusCode(string Category, string Status, string Entity)
{
    /// <inheritdoc />
    public override string ToString() => Entity.Length > 0 ? $"{Category}:{Status}:{Entity}" : $"{Category}:{Status}";
}

/// <summary>A service line's status in a 277CA.</summary>
/// <param name="ProcedureCode">SVC01-2.</param>
/// <param name="Statuses">Its STC codes.</param>
public sealed record LineStatus(string ProcedureCode, IReadOnlyList<ClaimStatusCode> Statuses);

/// <summary>One claim's status in a 277CA (005010X214), loop 2200D.</summary>
/// <param name="Position">The TRN's segment number.</param>
/// <param name="ClaimId">TRN02: the patient control number.</param>
/// <param name="PayerClaimNumber">REF*1K, if given.</param>
/// <param name="Statuses">The claim-level STC codes.</param>
/// <param name="Lines">The line-level statuses.</param>
public sealed record ClaimStatusReport(int Position, string ClaimId, string PayerClaimNumber, IReadOnlyList<ClaimStatusCode> Statuses, IReadOnlyList<LineStatus> Lines);

/// <summary>What an acknowledgement did to one claim.</summary>
/// <param name="ClaimId">The claim.</param>
/// <param name="Status">Its status afterwards.</param>
/// <param name="Moved">Whether it moved (false when it already was there, or the acknowledgement only confirms receipt).</param>
/// <param name="Reason">Why, as codes: what the claim's history records.</param>
public sealed record AcknowledgedClaim(string ClaimId, ClaimStatus Status, bool Moved, string Reason);

/// <summary>The outcome of applying acknowledgements.</summary>
/// <param name="Claims">Every claim given, moved where the acknowledgement moves it (unchanged when there are errors).</param>
/// <param name="Outcomes">Per acknowledged claim (empty when there are errors).</param>
/// <param name="Errors">Why nothing was applied, each naming its segment; empty on success.</param>
public sealed record AcknowledgementResult(IReadOnlyList<Claim> Claims, IReadOnlyList<AcknowledgedClaim> Outcomes, IReadOnlyList<ValidationError> Errors);

/// <summary>
/// Reads 999 and 277CA acknowledgements and moves the claims they acknowledge, all or nothing. A 999 acknowledges the
/// 837P's transaction set (AK1 names its group, GS06 = the envelope's control number; AK2 its set): IK5 A or E moves
/// every claim of the set to Accepted, R, M, W or X to Rejected, with the IK5, IK3/IK4 (segment, loop, element and
/// error codes, never the bad data) and AK9 codes as the reason. Without an AK2 for the set, AK9 A or E accepts it and
/// R, M, W or X rejects it; a 999 whose AK2 loops name only other sets, an AK9 P or one that counts nothing received
/// without an AK2 for the set, a set acknowledged twice, or AK9 counts that disagree with each other or the AK2 loops
/// are refused. A 277CA names each claim by its patient control number
/// (TRN02 in 2200D): category A2 or A5 moves it to Accepted, A3, A4, A6, A7 or A8 to Rejected, A0 and A1 (received)
/// move nothing; the reason lists the category, status and entity codes of the claim and its lines. Thread safe.
/// </summary>
public static class Acknowledgements
{
    private static readonly Dictionary<string, string> SegmentCodes = new()
    {
        ["1"] = "unrecognized segment", ["2"] = "unexpected segment", ["3"] = "required segment missing", ["4"] = "loop occurs over maximum times",
        ["5"] = "segment exceeds maximum use", ["6"] = "segment not in defined transaction set", ["7"] = "segment not in proper sequence",
        ["8"] = "segment has data element errors", ["I4"] = "implementation not-used segment present", ["I6"] = "implementation dependent segment missing",
        ["I7"] = "implementation loop occurs under minimum times", ["I8"] = "implementation segment below minimum use", ["I9"] = "implementation dependent not-used segment present",
    };

    private static readonly Dictionary<string, string> ElementCodes = new()
    {
        ["1"] = "required data element missing", ["2"] = "conditional required data element missing", ["3"] = "too many data elements",
        ["4"] = "data element too short", ["5"] = "data element too long", ["6"] = "invalid character", ["7"] = "invalid code value",
        ["8"] = "invalid date", ["9"] = "invalid time", ["10"] = "exclusion condition violated", ["12"] = "too many repetitions", ["13"] = "too many components",
        ["I6"] = "code value not used in implementation", ["I9"] = "implementation dependent data element missing", ["I10"] = "implementation not-used data element present",
        ["I11"] = "implementation too few repetitions", ["I12"] = "implementation pattern match failure", ["I13"] = "implementation dependent not-used data element present",
    };

    /// <summary>Reads every 999 of an interchange.</summary>
    /// <param name="interchange">The interchange.</param>
    /// <returns>The acknowledgements, or every problem found.</returns>
    public static (IReadOnlyList<FunctionalAcknowledgement> Acknowledgements, IReadOnlyList<ValidationError> Errors) Read999(X12Interchange interchange)
    {
        ArgumentNullException.ThrowIfNull(interchange);
        var errors = new List<ValidationError>();
        var result = new List<FunctionalAcknowledgement>();
        foreach (var set in X12Transactions.Of(interchange, "999", "an implementation acknowledgement", errors))
        {
            var body = set.Body.ToList();
            if (body.Count == 0 || body[0].Id != "AK1" || body[^1].Id != "AK9")
            {
                errors.Add((body.Count > 0 ? body[0] : set.Segments[0]).Error("a 999 starts with AK1 (the group acknowledged) and ends with AK9 (its acknowledgement)"));
                continue;
            }

            var (ak1, ak9) = (body[0], body[^1]);
            var before = errors.Count;
            X12Transactions.Required(ak1, 2, errors);
            var sets = new List<SetAcknowledgement>();
            var i = 1;
            while (i < body.Count - 1)
            {
                if (body[i].Id != "AK2")
                {
                    errors.Add(body[i].Error("expected AK2 (a transaction set acknowledged) or AK9"));
                    i++;
                    continue;
                }

                var ak2 = body[i];
                var acknowledged = Set(body, ref i, errors);
                if (sets.Any(s => s.SetId == acknowledged.SetId && s.ControlNumber == acknowledged.ControlNumber))
                {
                    errors.Add(ak2.Error($"acknowledges transaction set {acknowledged.SetId} {acknowledged.ControlNumber} a second time"));
                }

                sets.Add(acknowledged);
            }

            if (ak9[1] is not ("A" or "E" or "P" or "M" or "R" or "W" or "X"))
            {
                errors.Add(ak9.Error("AK901 must be A, E, P, M, R, W or X"));
            }

            var (included, received, accepted) = (Count(ak9, 2, errors), Count(ak9, 3, errors), Count(ak9, 4, errors));

            // A count that is not a whole number has added its error, so the counts are compared only when all three are.
            if (errors.Count == before)
            {
                Counts(ak9, received, accepted, sets, errors);
            }

            result.Add(new FunctionalAcknowledgement(ak1.Position, ak1[1], ak1[2], ak9[1], included, received, accepted, Codes(ak9, 5, 9), sets));
        }

        return errors.Count > 0 ? ([], errors) : (result, []);
    }

    /// <summary>Reads every 277CA of an interchange: the claims' statuses (loop 2200D) and their lines' (2220D).</summary>
    /// <param name="interchange">The interchange.</param>
    /// <returns>The claim statuses, or every problem found.</returns>
    public static (IReadOnlyList<ClaimStatusReport> Claims, IReadOnlyList<ValidationError> Errors) Read277(X12Interchange interchange)
    {
        ArgumentNullException.ThrowIfNull(interchange);
        var errors = new List<ValidationError>();
        var result = new List<ClaimStatusReport>();
        foreach (var set in X12Transactions.Of(interchange, "277", "a claim acknowledgement", errors))
        {
            var level = string.Empty;
            (X12Segment Trn, List<ClaimStatusCode> Statuses, List<LineStatus> Lines, string PayerClaim)? claim = null;
            LineStatus? line = null;
            var sawStatus = false;
            void Flush()
            {
                if (claim is { } c)
                {
                    if (!sawStatus)
                    {
                        errors.Add(c.Trn.Error("the claim has no STC (its status)"));
                    }

                    result.Add(new ClaimStatusReport(c.Trn.Position, c.Trn[2], c.PayerClaim, c.Statuses, c.Lines));
                }

                (claim, line) = (null, null);
            }

            foreach (var s in set.Body)
            {
                switch (s.Id)
                {
                    case "HL":
                        Flush();
                        level = s[3];
                        break;
                    case "TRN" when level == "PT":
                        if (claim is not null)
                        {
                            Flush();
                        }

                        claim = (s, [], [], string.Empty);
                        sawStatus = false;
                        X12Transactions.Required(s, 2, errors);
                        break;
                    case "STC" when claim is { } c:
                        sawStatus |= line is null;
                        var codes = Statuses(s, errors);
                        if (line is not null)
                        {
                            c.Lines[^1] = line = line with { Statuses = [.. line.Statuses, .. codes] };
                        }
                        else
                        {
                            c.Statuses.AddRange(codes);
                        }

                        break;
                    case "REF" when claim is { } c && line is null && s[1] == "1K":
                        claim = c with { PayerClaim = s[2] };
                        break;
                    case "SVC" when claim is { } c:
                        line = new LineStatus(s.Component(1, 2), []);
                        c.Lines.Add(line);
                        break;
                }
            }

            Flush();
        }

        return errors.Count > 0 ? ([], errors) : (result, []);
    }

    /// <summary>
    /// Applies 999s to the claims of the 837P they acknowledge: the AK2 for its set decides (IK5), or AK9 A, E, R, M, W or X
    /// when there is no AK2 at all; AK2 loops for other sets only, AK9 P or nothing received without the set's AK2, and
    /// another group are errors.
    /// </summary>
    /// <param name="acknowledgements">The 999s.</param>
    /// <param name="controlNumber">The 837P's envelope control number (its GS06; its ST02 is the last four digits).</param>
    /// <param name="claims">The claims the 837P carried.</param>
    /// <param name="actor">Who applies it.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The claims afterwards, per claim what happened, or the errors.</returns>
    public static AcknowledgementResult Apply999(IReadOnlyList<FunctionalAcknowledgement> acknowledgements, int controlNumber, IReadOnlyList<Claim> claims, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(acknowledgements);
        ArgumentNullException.ThrowIfNull(claims);
        var errors = new List<ValidationError>();
        var moves = new List<(Claim Claim, ClaimStatus? To, string Reason, string Where)>();
        var group = controlNumber.ToString(CultureInfo.InvariantCulture);
        var setNumber = (controlNumber % 10000).ToString("0000", CultureInfo.InvariantCulture);
        foreach (var ack in acknowledgements)
        {
            var where = $"segment {ack.Position} (AK1)";
            if (ack.FunctionalId != "HC" || ack.GroupControlNumber.TrimStart('0') != group)
            {
                errors.Add(new(where, $"acknowledges functional group {ack.FunctionalId} {ack.GroupControlNumber}; the claims were sent as group HC {group}"));
                continue;
            }

            var set = ack.Sets.FirstOrDefault(s => s.SetId == "837" && s.ControlNumber == setNumber);
            if (set is null && ack.Sets.Count > 0)
            {
                errors.Add(new(where, $"acknowledges transaction set{(ack.Sets.Count == 1 ? string.Empty : "s")} {string.Join(", ", ack.Sets.Select(s => $"{s.SetId} {s.ControlNumber}"))}; the claims were sent as set 837 {setNumber}"));
                continue;
            }

            if (set is null && ack.Received == 0)
            {
                errors.Add(new(where, $"AK9 counts no transaction set received and has no AK2 for set 837 {setNumber}, so it does not acknowledge the claims' set"));
                continue;
            }

            if (set is null && ack.Code == "P")
            {
                errors.Add(new(where, $"AK9 P (partially accepted) has no AK2 for set 837 {setNumber}, so it does not say whether the claims' set was accepted"));
                continue;
            }

            var accepted = set?.Accepted ?? ack.Code is "A" or "E";
            var groupCodes = $"AK9 {ack.Code} {ack.Included}/{ack.Received}/{ack.AcceptedCount}{(ack.Errors.Count > 0 ? $" ({string.Join(" ", ack.Errors)})" : string.Empty)}";
            foreach (var claim in claims)
            {
                var segments = set?.Segments.Where(s => s.ClaimId is null || s.ClaimId == claim.Id).Select(Describe).ToList() ?? [];
                var reason = $"999 {(set is null ? string.Empty : $"set {set.ControlNumber} IK5 {set.Code}{(set.Errors.Count > 0 ? $" ({string.Join(" ", set.Errors)})" : string.Empty)}; ")}"
                    + string.Concat(segments.Select(s => s + "; ")) + groupCodes;
                moves.Add((claim, accepted ? ClaimStatus.Accepted : ClaimStatus.Rejected, reason, where));
            }
        }

        return Apply(moves, claims, actor, clock, errors);
    }

    /// <summary>Applies 277CA claim statuses to the claims they name.</summary>
    /// <param name="reports">The claims' statuses.</param>
    /// <param name="claims">The claims.</param>
    /// <param name="actor">Who applies it.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The claims afterwards, per claim what happened, or the errors.</returns>
    public static AcknowledgementResult Apply277(IReadOnlyList<ClaimStatusReport> reports, IReadOnlyList<Claim> claims, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(claims);
        var errors = new List<ValidationError>();
        var byId = claims.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var moves = new List<(Claim Claim, ClaimStatus? To, string Reason, string Where)>();
        foreach (var report in reports)
        {
            var where = $"segment {report.Position} (TRN)";
            if (!byId.TryGetValue(report.ClaimId, out var claim))
            {
                errors.Add(new(where, $"TRN02 names claim '{report.ClaimId}', which is not among the claims"));
                continue;
            }

            var category = report.Statuses.Count > 0 ? report.Statuses[0].Category : string.Empty;
            ClaimStatus? to = category switch
            {
                "A2" or "A5" => ClaimStatus.Accepted,
                "A3" or "A4" or "A6" or "A7" or "A8" => ClaimStatus.Rejected,
                "A0" or "A1" => null,
                _ => ClaimStatus.Draft,
            };
            if (to == ClaimStatus.Draft)
            {
                errors.Add(new(where, $"the claim's status category '{category}' is not an acknowledgement category (A0 to A8)"));
                continue;
            }

            var reason = $"277CA STC {string.Join(" ", report.Statuses)}{(report.PayerClaimNumber.Length > 0 ? $", payer claim {report.PayerClaimNumber}" : string.Empty)}"
                + string.Concat(report.Lines.Select(l => $"; line {l.ProcedureCode} STC {string.Join(" ", l.Statuses)}"));
            moves.Add((claim, to, reason, where));
        }

        return Apply(moves, claims, actor, clock, errors);
    }

    private static AcknowledgementResult Apply(List<(Claim Claim, ClaimStatus? To, string Reason, string Where)> moves, IReadOnlyList<Claim> claims, string actor, IClock clock, List<ValidationError> errors)
    {
        var byId = claims.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var outcomes = new List<AcknowledgedClaim>();
        foreach (var (original, to, reason, where) in moves)
        {
            var claim = byId[original.Id];
            if (to is not { } next || next == claim.Status)
            {
                outcomes.Add(new AcknowledgedClaim(claim.Id, claim.Status, false, reason));
                continue;
            }

            if (!ClaimLifecycle.AllowedFrom(claim.Status).Contains(next))
            {
                errors.Add(new(where, $"claim '{claim.Id}' is {claim.Status}; the acknowledgement would make it {next}, which its lifecycle does not allow"));
                continue;
            }

            byId[claim.Id] = ClaimLifecycle.Move(claim, next, actor, reason, clock);
            outcomes.Add(new AcknowledgedClaim(claim.Id, next, true, reason));
        }

        return errors.Count > 0 ? new AcknowledgementResult(claims, [], errors) : new AcknowledgementResult([.. claims.Select(c => byId[c.Id])], outcomes, []);
    }

    private static SetAcknowledgement Set(List<X12Segment> body, ref int i, List<ValidationError> errors)
    {
        var ak2 = body[i++];
        X12Transactions.Required(ak2, 2, errors);
        var segments = new List<SegmentError>();
        while (i < body.Count - 1 && body[i].Id is "IK3" or "CTX" or "IK4")
        {
            var s = body[i++];
            if (s.Id == "IK3")
            {
                segments.Add(new SegmentError(X12Transactions.Required(s, 1, errors), X12Transactions.Required(s, 2, errors), s[3], s[4], null, []));
                if (s[2].Length > 0 && !(int.TryParse(s[2], NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position > 0))
                {
                    errors.Add(s.Error("IK302 (the position of the segment in error) is not a positive whole number"));
                }
            }
            else if (segments.Count == 0)
            {
                errors.Add(s.Error("comes before any IK3 (the segment in error)"));
            }
            else if (s.Id == "CTX" && s.Component(1, 1) == "CLM01")
            {
                segments[^1] = segments[^1] with { ClaimId = s.Component(1, 2) };
            }
            else if (s.Id == "IK4")
            {
                X12Transactions.Required(s, 1, errors);
                // IK401 is a composite (element, component, repetition): an empty middle component keeps its place ("5::1" is
                // repetition 1 of element 5, not component 1), only empty trailing ones are dropped.
                var components = s.Components(1).ToList();
                while (components.Count > 1 && components[^1].Length == 0)
                {
                    components.RemoveAt(components.Count - 1);
                }

                var position = string.Join(":", components);
                segments[^1] = segments[^1] with { Elements = [.. segments[^1].Elements, new ElementError(position, s[2], X12Transactions.Required(s, 3, errors))] };
            }
        }

        if (i >= body.Count - 1 || body[i].Id != "IK5")
        {
            errors.Add((i < body.Count ? body[i] : ak2).Error("the AK2 loop has no IK5 (the transaction set's acknowledgement)"));
            return new SetAcknowledgement(ak2[1], ak2[2], "R", [], segments);
        }

        var ik5 = body[i++];
        if (ik5[1] is not ("A" or "E" or "M" or "R" or "W" or "X"))
        {
            errors.Add(ik5.Error("IK501 must be A, E, M, R, W or X"));
        }

        return new SetAcknowledgement(ak2[1], ak2[2], ik5[1], Codes(ik5, 2, 6), segments);
    }

    /// <summary>A count element: a whole number, or 0 after an error naming it.</summary>
    private static int Count(X12Segment s, int position, List<ValidationError> errors)
    {
        if (int.TryParse(X12Transactions.Required(s, position, errors), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        if (s[position].Length > 0)
        {
            errors.Add(s.Error($"{s.Id}{position:00} is not a whole number"));
        }

        return 0;
    }

    /// <summary>
    /// AK9 agrees with itself and with the AK2 loops: no more sets accepted (AK904) than received (AK903); A or E when
    /// every set received was accepted, P when some but not all were, R, M, W or X when none was; and no more AK2 loops
    /// accepted (IK5 A or E) or rejected than AK904 and AK903 − AK904 say.
    /// </summary>
    private static void Counts(X12Segment ak9, int received, int accepted, List<SetAcknowledgement> sets, List<ValidationError> errors)
    {
        if (accepted > received)
        {
            errors.Add(ak9.Error($"AK904 says {accepted} transaction sets were accepted, more than the {received} received (AK903)"));
            return;
        }

        var agrees = ak9[1] switch
        {
            "A" or "E" => accepted == received,
            "P" => accepted > 0 && accepted < received,
            _ => accepted == 0,
        };
        if (!agrees)
        {
            errors.Add(ak9.Error($"AK901 {ak9[1]} does not agree with {accepted} of {received} transaction sets accepted (AK904, AK903): A or E means all were, P some, R, M, W or X none"));
        }

        var (yes, no) = (sets.Count(a => a.Accepted), sets.Count(a => !a.Accepted));
        if (yes > accepted || no > received - accepted)
        {
            errors.Add(ak9.Error($"the AK2 loops accept {yes} and reject {no} transaction sets; AK9 says {accepted} of {received} were accepted"));
        }
    }

    private static List<string> Codes(X12Segment s, int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(k => s[k]).Where(c => c.Length > 0)];

    private static IEnumerable<ClaimStatusCode> Statuses(X12Segment stc, List<ValidationError> errors)
    {
        if (stc.Count > 12)
        {
            errors.Add(stc.Error($"STC has at most 12 elements, found {stc.Count}"));
        }

        if (stc.Component(1, 1).Length == 0 || stc.Component(1, 2).Length == 0)
        {
            errors.Add(stc.Error("STC01 needs a status category code and a status code (for example A7:21)"));
            yield break;
        }

        foreach (var k in new[] { 1, 10, 11 })
        {
            if (stc.Component(k, 1).Length > 0)
            {
                yield return new ClaimStatusCode(stc.Component(k, 1), stc.Component(k, 2), stc.Component(k, 3));
            }
        }
    }

    private static string Describe(SegmentError e) =>
        $"IK3 {e.SegmentId} at {e.Position}{(e.Loop.Length > 0 ? $" in loop {e.Loop}" : string.Empty)}{(e.Code.Length > 0 ? $" {e.Code} {SegmentCodes.GetValueOrDefault(e.Code, "error")}" : string.Empty)}"
        + string.Concat(e.Elements.Select(x => $", IK4 element {DescribePosition(x.Position)}{(x.Reference.Length > 0 ? $" (ref {x.Reference})" : string.Empty)} {x.Code} {ElementCodes.GetValueOrDefault(x.Code, "error")}"));

    /// <summary>An IK401 position in words: <c>9</c>, <c>9 component 2</c>, <c>5 repetition 1</c>, <c>9 component 2 repetition 1</c>.</summary>
    private static string DescribePosition(string position)
    {
        var parts = position.Split(':');
        return parts[0]
            + (parts.Length > 1 && parts[1].Length > 0 ? $" component {parts[1]}" : string.Empty)
            + (parts.Length > 2 && parts[2].Length > 0 ? $" repetition {parts[2]}" : string.Empty);
    }
}
