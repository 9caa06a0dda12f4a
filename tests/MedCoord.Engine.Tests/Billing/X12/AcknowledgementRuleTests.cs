using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>
/// 999 and 277CA reading rule by rule on small hand-written transaction sets (the body starts at segment 4: ISA, GS
/// and ST come first), each error compared whole; and what the acknowledgements do to claims.
/// </summary>
public sealed class AcknowledgementRuleTests
{
    private static X12Interchange Wrap(string functional, string set, params string[] body) => X12Files.Wrap(functional, set, body);

    private static List<string> Errors999(params string[] body) => [.. Acknowledgements.Read999(Wrap("FA", "999", body)).Errors.Select(e => e.ToString())];

    private static List<string> Errors277(params string[] body) => [.. Acknowledgements.Read277(Wrap("HN", "277", body)).Errors.Select(e => e.ToString())];

    private static IReadOnlyList<Claim> Claims() => [.. X12Files.Submitted().Take(2)];

    [Fact]
    public void Read999_EverySegment_IsRead()
    {
        var (acks, errors) = Acknowledgements.Read999(Wrap("FA", "999",
            "AK1*HC*42*005010X222A1", "AK2*837*0042", "IK3*CLM*10*2300*8", "CTX*SITUATIONAL TRIGGER*CLM*43", "CTX*CLM01:CLM-2026-0001", "IK4*5:3*1325*7", "IK4*2**8", "IK4*5::1**7", "IK4*9:2:*66*7", "IK5*E*I5*3",
            "AK2*837*0043", "IK5*R", "AK9*P*2*2*1*4*5"));

        Assert.Empty(errors);
        var ack = Assert.Single(acks);
        Assert.Equal((4, "HC", "42", "P", 2, 2, 1), (ack.Position, ack.FunctionalId, ack.GroupControlNumber, ack.Code, ack.Included, ack.Received, ack.AcceptedCount));
        Assert.Equal(["4", "5"], ack.Errors);
        Assert.Equal(2, ack.Sets.Count);
        var (first, second) = (ack.Sets[0], ack.Sets[1]);
        Assert.Equal(("837", "0042", "E", true), (first.SetId, first.ControlNumber, first.Code, first.Accepted));
        Assert.Equal(["I5", "3"], first.Errors);
        var segment = Assert.Single(first.Segments);
        Assert.Equal(("CLM", "10", "2300", "8", "CLM-2026-0001"), (segment.SegmentId, segment.Position, segment.Loop, segment.Code, segment.ClaimId));
        Assert.Equal([new ElementError("5:3", "1325", "7"), new ElementError("2", string.Empty, "8"), new ElementError("5::1", string.Empty, "7"), new ElementError("9:2", "66", "7")], segment.Elements);
        Assert.Equal(("0043", "R", false), (second.ControlNumber, second.Code, second.Accepted));
        Assert.Empty(second.Errors);
        Assert.Empty(second.Segments);
    }

    [Theory]
    [InlineData("", "segment 3 (ST): a 999 starts with AK1 (the group acknowledged) and ends with AK9 (its acknowledgement)")]
    [InlineData("AK2*837*0042|IK5*A|AK9*A*1*1*1", "segment 4 (AK2): a 999 starts with AK1 (the group acknowledged) and ends with AK9 (its acknowledgement)")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK5*A", "segment 4 (AK1): a 999 starts with AK1 (the group acknowledged) and ends with AK9 (its acknowledgement)")]
    [InlineData("AK1*HC|AK9*A*0*0*0", "segment 4 (AK1): AK102 is required")]
    [InlineData("AK1*HC*42|IK3*N3*23|AK9*A*0*0*0", "segment 5 (IK3): expected AK2 (a transaction set acknowledged) or AK9")]
    [InlineData("AK1*HC*42|AK9*Q*0*0*0", "segment 5 (AK9): AK901 must be A, E, P, M, R, W or X")]
    [InlineData("AK1*HC*42|AK9*A*one*0", "segment 5 (AK9): AK902 is not a whole number|segment 5 (AK9): AK904 is required")]
    [InlineData("AK1*HC*42|AK2*837|IK5*A|AK9*A*1*1*1", "segment 5 (AK2): AK202 is required")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK3|IK5*A|AK9*A*1*1*1", "segment 6 (IK3): IK301 is required|segment 6 (IK3): IK302 is required")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK3*CLM*ABC|IK5*R*5|AK9*R*1*1*0", "segment 6 (IK3): IK302 (the position of the segment in error) is not a positive whole number")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK3*CLM*0|IK5*R*5|AK9*R*1*1*0", "segment 6 (IK3): IK302 (the position of the segment in error) is not a positive whole number")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK3*CLM*-3|IK5*R*5|AK9*R*1*1*0", "segment 6 (IK3): IK302 (the position of the segment in error) is not a positive whole number")]
    [InlineData("AK1*HC*42|AK2*837*0042|CTX*CLM01:C1|IK5*A|AK9*A*1*1*1", "segment 6 (CTX): comes before any IK3 (the segment in error)")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK4*1**7|IK5*A|AK9*A*1*1*1", "segment 6 (IK4): comes before any IK3 (the segment in error)")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK3*N3*23|IK4|IK5*A|AK9*A*1*1*1", "segment 7 (IK4): IK401 is required|segment 7 (IK4): IK403 is required")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK5*Q|AK9*A*1*1*1", "segment 6 (IK5): IK501 must be A, E, M, R, W or X")]
    [InlineData("AK1*HC*42|AK2*837*0042|AK9*A*1*1*1", "segment 6 (AK9): the AK2 loop has no IK5 (the transaction set's acknowledgement)")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK3*N3*23|AK9*A*1*1*1", "segment 7 (AK9): the AK2 loop has no IK5 (the transaction set's acknowledgement)")]
    [InlineData("AK1*HC*42|AK2*837*0042|IK5*A|AK2*837*0042|IK5*R*5|AK9*P*2*2*1", "segment 7 (AK2): acknowledges transaction set 837 0042 a second time")]
    public void Read999_RuleBroken_NamesTheSegment(string body, string expected)
    {
        var segments = body.Length == 0 ? [] : body.Split('|');

        Assert.Equal(expected.Split('|'), Errors999(segments));
    }

    [Theory]
    [InlineData("AK2*837*0042|IK5*A|AK9*A*1*1*1")]
    [InlineData("AK2*837*0042|IK5*E*I5|AK9*E*1*1*1")]
    [InlineData("AK2*837*0042|IK5*M|AK9*M*1*1*0")]
    [InlineData("AK2*837*0042|IK5*R|AK9*R*1*1*0")]
    [InlineData("AK2*837*0042|IK5*W|AK9*W*1*1*0")]
    [InlineData("AK2*837*0042|IK5*X|AK9*X*1*1*0")]
    [InlineData("AK2*837*0042|IK5*A|AK2*837*0043|IK5*R|AK9*P*2*2*1")]
    [InlineData("AK2*837*0042|IK5*A|AK9*P*3*3*2")]
    [InlineData("AK9*R*1*0*0")]
    [InlineData("AK9*A*2*2*2")]
    public void Read999_EachAk9CodeWithCountsThatAgree_IsAccepted(string body) => Assert.Empty(Errors999(["AK1*HC*42", .. body.Split('|')]));

    [Theory]
    [InlineData("AK9*A*1*1*2", "segment 5 (AK9): AK904 says 2 transaction sets were accepted, more than the 1 received (AK903)")]
    [InlineData("AK9*A*2*2*1", "segment 5 (AK9): AK901 A does not agree with 1 of 2 transaction sets accepted (AK904, AK903): A or E means all were, P some, R, M, W or X none")]
    [InlineData("AK9*E*1*1*0", "segment 5 (AK9): AK901 E does not agree with 0 of 1 transaction sets accepted (AK904, AK903): A or E means all were, P some, R, M, W or X none")]
    [InlineData("AK9*P*2*2*2", "segment 5 (AK9): AK901 P does not agree with 2 of 2 transaction sets accepted (AK904, AK903): A or E means all were, P some, R, M, W or X none")]
    [InlineData("AK9*P*2*2*0", "segment 5 (AK9): AK901 P does not agree with 0 of 2 transaction sets accepted (AK904, AK903): A or E means all were, P some, R, M, W or X none")]
    [InlineData("AK9*R*1*1*1", "segment 5 (AK9): AK901 R does not agree with 1 of 1 transaction sets accepted (AK904, AK903): A or E means all were, P some, R, M, W or X none")]
    [InlineData("AK9*M*1*1*1", "segment 5 (AK9): AK901 M does not agree with 1 of 1 transaction sets accepted (AK904, AK903): A or E means all were, P some, R, M, W or X none")]
    [InlineData("AK2*837*0042|IK5*R|AK9*A*1*1*1", "segment 7 (AK9): the AK2 loops accept 0 and reject 1 transaction sets; AK9 says 1 of 1 were accepted")]
    [InlineData("AK2*837*0042|IK5*A|AK9*R*1*1*0", "segment 7 (AK9): the AK2 loops accept 1 and reject 0 transaction sets; AK9 says 0 of 1 were accepted")]
    [InlineData("AK2*837*0042|IK5*A|AK2*837*0043|IK5*A|AK9*P*3*3*1", "segment 9 (AK9): the AK2 loops accept 2 and reject 0 transaction sets; AK9 says 1 of 3 were accepted")]
    [InlineData("AK2*837*0042|IK5*R|AK2*837*0043|IK5*R|AK9*P*3*3*2", "segment 9 (AK9): the AK2 loops accept 0 and reject 2 transaction sets; AK9 says 2 of 3 were accepted")]
    [InlineData("AK9*A*1*1.0*1", "segment 5 (AK9): AK903 is not a whole number")]
    [InlineData("AK9*A*1*1*-1", "segment 5 (AK9): AK904 is not a whole number")]
    public void Read999_Ak9CountsThatDisagree_AreRefused(string body, string expected) => Assert.Equal([expected], Errors999(["AK1*HC*42", .. body.Split('|')]));

    [Fact]
    public void Apply999_SegmentErrorsOfOneClaim_AreInThatClaimsReasonOnly()
    {
        var (acks, errors) = Acknowledgements.Read999(Wrap("FA", "999",
            "AK1*HC*000000042", "AK2*837*0042", "IK3*NM1*22", "CTX*CLM01:CLM-2026-0002", "IK4*9**Z9", "IK4*3:2:1**7", "IK3*SV1*40*2400*Z8", "IK4*1*234*7", "IK4*5::1**7", "IK5*R*5", "AK9*R*1*1*0*2*3"));
        Assert.Empty(errors);

        var result = Acknowledgements.Apply999(acks, 42, Claims(), "clearinghouse", X12Files.Clock());

        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            new AcknowledgedClaim("CLM-2026-0001", ClaimStatus.Rejected, true, "999 set 0042 IK5 R (5); IK3 SV1 at 40 in loop 2400 Z8 error, IK4 element 1 (ref 234) 7 invalid code value, IK4 element 5 repetition 1 7 invalid code value; AK9 R 1/1/0 (2 3)"),
            new AcknowledgedClaim("CLM-2026-0002", ClaimStatus.Rejected, true,
                "999 set 0042 IK5 R (5); IK3 NM1 at 22, IK4 element 9 Z9 error, IK4 element 3 component 2 repetition 1 7 invalid code value; IK3 SV1 at 40 in loop 2400 Z8 error, IK4 element 1 (ref 234) 7 invalid code value, IK4 element 5 repetition 1 7 invalid code value; AK9 R 1/1/0 (2 3)"),
        ], result.Outcomes);
        Assert.Equal(result.Outcomes.Select(o => o.Reason), result.Claims.Select(c => c.History.Single().Reason));
    }

    // IK304 (implementation segment syntax error codes) as the 999 guide (005010X231A1) words them.
    [Theory]
    [InlineData("1", "unrecognized segment")]
    [InlineData("2", "unexpected segment")]
    [InlineData("3", "required segment missing")]
    [InlineData("4", "loop occurs over maximum times")]
    [InlineData("5", "segment exceeds maximum use")]
    [InlineData("6", "segment not in defined transaction set")]
    [InlineData("7", "segment not in proper sequence")]
    [InlineData("8", "segment has data element errors")]
    [InlineData("I4", "implementation not-used segment present")]
    [InlineData("I6", "implementation dependent segment missing")]
    [InlineData("I7", "implementation loop occurs under minimum times")]
    [InlineData("I8", "implementation segment below minimum use")]
    [InlineData("I9", "implementation dependent not-used segment present")]
    [InlineData("Q1", "error")]
    public void Apply999_EachSegmentErrorCode_IsWorded(string code, string words) =>
        Assert.Equal($"999 set 0042 IK5 R; IK3 NM1 at 22 {code} {words}; AK9 R 1/1/0", RejectedFor($"IK3*NM1*22**{code}"));

    // IK403 (implementation data element syntax error codes) as the 999 guide words them.
    [Theory]
    [InlineData("1", "required data element missing")]
    [InlineData("2", "conditional required data element missing")]
    [InlineData("3", "too many data elements")]
    [InlineData("4", "data element too short")]
    [InlineData("5", "data element too long")]
    [InlineData("6", "invalid character")]
    [InlineData("7", "invalid code value")]
    [InlineData("8", "invalid date")]
    [InlineData("9", "invalid time")]
    [InlineData("10", "exclusion condition violated")]
    [InlineData("12", "too many repetitions")]
    [InlineData("13", "too many components")]
    [InlineData("I6", "code value not used in implementation")]
    [InlineData("I9", "implementation dependent data element missing")]
    [InlineData("I10", "implementation not-used data element present")]
    [InlineData("I11", "implementation too few repetitions")]
    [InlineData("I12", "implementation pattern match failure")]
    [InlineData("I13", "implementation dependent not-used data element present")]
    [InlineData("11", "error")]
    public void Apply999_EachElementErrorCode_IsWorded(string code, string words) =>
        Assert.Equal($"999 set 0042 IK5 R; IK3 NM1 at 22, IK4 element 3 {code} {words}; AK9 R 1/1/0", RejectedFor("IK3*NM1*22", $"IK4*3**{code}"));

    private static string RejectedFor(params string[] errors)
    {
        var (acks, readErrors) = Acknowledgements.Read999(Wrap("FA", "999", ["AK1*HC*42", "AK2*837*0042", .. errors, "IK5*R", "AK9*R*1*1*0"]));
        Assert.Empty(readErrors);

        var result = Acknowledgements.Apply999(acks, 42, Claims(), "clearinghouse", X12Files.Clock());

        Assert.Empty(result.Errors);
        Assert.All(result.Outcomes, o => Assert.Equal(ClaimStatus.Rejected, o.Status));
        return Assert.Single(result.Outcomes.Select(o => o.Reason).Distinct());
    }

    [Theory]
    [InlineData("A*1*1*1", ClaimStatus.Accepted)]
    [InlineData("E*1*1*1", ClaimStatus.Accepted)]
    [InlineData("R*1*1*0", ClaimStatus.Rejected)]
    [InlineData("X*1*1*0", ClaimStatus.Rejected)]
    public void Apply999_NoSetAcknowledged_TheGroupsCodeDecides(string ak9, ClaimStatus expected)
    {
        var (acks, errors) = Acknowledgements.Read999(Wrap("FA", "999", "AK1*HC*42", $"AK9*{ak9}"));
        Assert.Empty(errors);

        var result = Acknowledgements.Apply999(acks, 42, Claims(), "clearinghouse", X12Files.Clock());

        var reason = $"999 AK9 {ak9[0]} {ak9[2..].Replace('*', '/')}";
        Assert.Equal([(expected, reason), (expected, reason)], result.Outcomes.Select(o => (o.Status, o.Reason)));
    }

    [Fact]
    public void Apply999_NothingReceivedAndNoSetAcknowledged_IsRefused()
    {
        var (acks, errors) = Acknowledgements.Read999(Wrap("FA", "999", "AK1*HC*42", "AK9*A*0*0*0"));
        Assert.Empty(errors);

        var result = Acknowledgements.Apply999(acks, 42, Claims(), "clearinghouse", X12Files.Clock());

        Assert.Equal(["segment 4 (AK1): AK9 counts no transaction set received and has no AK2 for set 837 0042, so it does not acknowledge the claims' set"], result.Errors.Select(e => e.ToString()));
        Assert.Empty(result.Outcomes);
    }

    [Fact]
    public void Apply999_PartiallyAcceptedWithoutTheClaimsSet_IsRefused()
    {
        var (acks, errors) = Acknowledgements.Read999(Wrap("FA", "999", "AK1*HC*42", "AK9*P*2*2*1"));
        Assert.Empty(errors);

        var result = Acknowledgements.Apply999(acks, 42, Claims(), "clearinghouse", X12Files.Clock());

        Assert.Equal(["segment 4 (AK1): AK9 P (partially accepted) has no AK2 for set 837 0042, so it does not say whether the claims' set was accepted"], result.Errors.Select(e => e.ToString()));
        Assert.Empty(result.Outcomes);
    }

    [Theory]
    [InlineData("AK2*837*0043|IK5*A|AK9*A*1*1*1", "segment 4 (AK1): acknowledges transaction set 837 0043; the claims were sent as set 837 0042")]
    [InlineData("AK2*837*0043|IK5*A|AK2*270*0042|IK5*R|AK9*P*2*2*1", "segment 4 (AK1): acknowledges transaction sets 837 0043, 270 0042; the claims were sent as set 837 0042")]
    public void Apply999_SetNeverSent_IsRefusedAndMovesNothing(string body, string expected)
    {
        var (acks, errors) = Acknowledgements.Read999(Wrap("FA", "999", ["AK1*HC*42", .. body.Split('|')]));
        Assert.Empty(errors);

        var result = Acknowledgements.Apply999(acks, 42, Claims(), "clearinghouse", X12Files.Clock());

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
        Assert.Empty(result.Outcomes);
    }

    [Theory]
    [InlineData("AK1*FA*42", "segment 4 (AK1): acknowledges functional group FA 42; the claims were sent as group HC 10042")]
    [InlineData("AK1*HC*42", "segment 4 (AK1): acknowledges functional group HC 42; the claims were sent as group HC 10042")]
    public void Apply999_OtherGroup_NamesBoth(string ak1, string expected)
    {
        var (acks, _) = Acknowledgements.Read999(Wrap("FA", "999", ak1, "AK2*837*0042", "IK5*A", "AK9*A*1*1*1"));

        var result = Acknowledgements.Apply999(acks, 10042, Claims(), "clearinghouse", X12Files.Clock());

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
        Assert.Empty(result.Outcomes);
    }

    [Fact]
    public void Apply999_ClaimItsLifecycleCannotMove_IsRefusedAndNothingMoves()
    {
        var (acks, _) = Acknowledgements.Read999(Wrap("FA", "999", "AK1*HC*42", "AK2*837*0042", "IK5*A", "AK9*A*1*1*1"));
        var claims = Claims();
        var mixed = new[] { claims[0], claims[1] with { Status = ClaimStatus.Draft } };

        var result = Acknowledgements.Apply999(acks, 42, mixed, "clearinghouse", X12Files.Clock());

        Assert.Equal(["segment 4 (AK1): claim 'CLM-2026-0002' is Draft; the acknowledgement would make it Accepted, which its lifecycle does not allow"], result.Errors.Select(e => e.ToString()));
        Assert.Same(mixed, result.Claims);
        Assert.Empty(result.Outcomes);
    }

    [Fact]
    public void Read277_EveryStatusOfAClaimAndItsLines_IsRead()
    {
        var (reports, errors) = Acknowledgements.Read277(Wrap("HN", "277",
            "HL*1**20*1", "TRN*1*IGNORED", "HL*2*1*21*1", "HL*3*2*19*1", "HL*4*3*PT", "TRN*2*CLM-2026-0001", "STC*A7:21:85*20261208*U*100******A7:128*A6:35:IL", "REF*1K*PCN-9",
            "SVC*HC:99214:25*185", "STC*A3:21", "REF*1K*LINE-REF", "STC*A3:122", "TRN*2*CLM-2026-0002", "STC*A2:20"));

        Assert.Empty(errors);
        Assert.Equal(2, reports.Count);
        var first = reports[0];
        Assert.Equal((9, "CLM-2026-0001", "PCN-9"), (first.Position, first.ClaimId, first.PayerClaimNumber));
        Assert.Equal([new ClaimStatusCode("A7", "21", "85"), new ClaimStatusCode("A7", "128", string.Empty), new ClaimStatusCode("A6", "35", "IL")], first.Statuses);
        var line = Assert.Single(first.Lines);
        Assert.Equal("99214", line.ProcedureCode);
        Assert.Equal([new ClaimStatusCode("A3", "21", string.Empty), new ClaimStatusCode("A3", "122", string.Empty)], line.Statuses);
        Assert.Equal((16, "CLM-2026-0002", string.Empty), (reports[1].Position, reports[1].ClaimId, reports[1].PayerClaimNumber));
        Assert.Equal(["A7:21:85", "A2:20"], reports.Select(r => r.Statuses[0].ToString()));

        var result = Acknowledgements.Apply277(reports, Claims(), "clearinghouse", X12Files.Clock());
        Assert.Equal(
        [
            new AcknowledgedClaim("CLM-2026-0001", ClaimStatus.Rejected, true, "277CA STC A7:21:85 A7:128 A6:35:IL, payer claim PCN-9; line 99214 STC A3:21 A3:122"),
            new AcknowledgedClaim("CLM-2026-0002", ClaimStatus.Accepted, true, "277CA STC A2:20"),
        ], result.Outcomes);
    }

    [Theory]
    [InlineData("HL*4*3*PT|TRN*2*C1|SVC*HC:99213*100|STC*A3:21", "segment 5 (TRN): the claim has no STC (its status)")]
    [InlineData("HL*4*3*PT|TRN*2|STC*A2:20", "segment 5 (TRN): TRN02 is required")]
    [InlineData("HL*4*3*PT|TRN*2*C1|STC*:20", "segment 6 (STC): STC01 needs a status category code and a status code (for example A7:21)")]
    [InlineData("HL*4*3*PT|TRN*2*C1|HL*5*3*PT|TRN*2*C2|STC*A2:20", "segment 5 (TRN): the claim has no STC (its status)")]
    [InlineData("HL*4*3*PT|TRN*2*C1|TRN*2*C2|STC*A2:20", "segment 5 (TRN): the claim has no STC (its status)")]
    public void Read277_RuleBroken_NamesTheSegment(string body, string expected) => Assert.Equal([expected], Errors277(body.Split('|')));

    [Theory]
    [InlineData("A5", ClaimStatus.Accepted)]
    [InlineData("A3", ClaimStatus.Rejected)]
    [InlineData("A4", ClaimStatus.Rejected)]
    [InlineData("A6", ClaimStatus.Rejected)]
    [InlineData("A8", ClaimStatus.Rejected)]
    [InlineData("A0", ClaimStatus.Submitted)]
    public void Apply277_EachCategory_MovesTheClaimAsTheGuideSays(string category, ClaimStatus expected)
    {
        var report = new ClaimStatusReport(7, "CLM-2026-0001", string.Empty, [new ClaimStatusCode(category, "20", string.Empty)], []);

        var result = Acknowledgements.Apply277([report], Claims(), "clearinghouse", X12Files.Clock());

        Assert.Equal([new AcknowledgedClaim("CLM-2026-0001", expected, expected != ClaimStatus.Submitted, $"277CA STC {category}:20")], result.Outcomes);
        Assert.Equal([expected, ClaimStatus.Submitted], result.Claims.Select(c => c.Status));
    }

    [Fact]
    public void Apply277_ClaimWithoutAStatus_IsRefused()
    {
        var result = Acknowledgements.Apply277([new ClaimStatusReport(7, "CLM-2026-0001", string.Empty, [], [])], Claims(), "clearinghouse", X12Files.Clock());

        Assert.Equal(["segment 7 (TRN): the claim's status category '' is not an acknowledgement category (A0 to A8)"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Apply277_ClaimItsLifecycleCannotMove_IsRefused()
    {
        var claims = new[] { Claims()[0] with { Status = ClaimStatus.Paid } };

        var result = Acknowledgements.Apply277([new ClaimStatusReport(7, "CLM-2026-0001", string.Empty, [new ClaimStatusCode("A7", "21", string.Empty)], [])], claims, "clearinghouse", X12Files.Clock());

        Assert.Equal(["segment 7 (TRN): claim 'CLM-2026-0001' is Paid; the acknowledgement would make it Rejected, which its lifecycle does not allow"], result.Errors.Select(e => e.ToString()));
        Assert.Same(claims, result.Claims);
    }
}
