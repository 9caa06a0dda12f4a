using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>999 and 277CA reading, and the claims they move, on hand-written acknowledgements of the sample 837P (control number 42).</summary>
public sealed class AcknowledgementTests
{
    private static AcknowledgementResult Apply999(string file, IReadOnlyList<Claim> claims)
    {
        var (acks, errors) = Acknowledgements.Read999(X12Files.Read(file));
        Assert.Empty(errors);
        return Acknowledgements.Apply999(acks, 42, claims, "clearinghouse", X12Files.Clock());
    }

    private static AcknowledgementResult Apply277(string text, IReadOnlyList<Claim> claims)
    {
        var (reports, errors) = Acknowledgements.Read277(X12Files.ReadText(text));
        Assert.Empty(errors);
        return Acknowledgements.Apply277(reports, claims, "clearinghouse", X12Files.Clock());
    }

    [Fact]
    public void Apply999_Accepted_MovesEveryClaimToAcceptedWithTheCodes()
    {
        var result = Apply999("accepted.999", X12Files.Submitted());

        Assert.Empty(result.Errors);
        Assert.All(result.Claims, c => Assert.Equal(ClaimStatus.Accepted, c.Status));
        Assert.All(result.Claims, c => Assert.Equal(new StatusChange<ClaimStatus>(ClaimStatus.Submitted, ClaimStatus.Accepted, "clearinghouse", X12Files.Clock().GetCurrentInstant(), "999 set 0042 IK5 A; AK9 A 1/1/1"), Assert.Single(c.History)));
    }

    [Fact]
    public void Apply999_Rejected_MovesEveryClaimToRejectedWithTheSegmentAndElementErrorsOfEach()
    {
        var result = Apply999("rejected.999", X12Files.Submitted());

        Assert.Empty(result.Errors);
        Assert.All(result.Claims, c => Assert.Equal(ClaimStatus.Rejected, c.Status));
        Assert.Equal("999 set 0042 IK5 R (I5); AK9 R 1/1/0", result.Claims[0].History.Single().Reason);
        Assert.Equal(
            "999 set 0042 IK5 R (I5); IK3 N3 at 23 in loop 2010 I4 implementation not-used segment present; "
            + "IK3 NM1 at 22 in loop 2010 8 segment has data element errors, IK4 element 9 (ref 67) I12 implementation pattern match failure; AK9 R 1/1/0",
            result.Claims[1].History.Single().Reason);
        // IK404 carries a copy of the bad data (here a member id): it never reaches the history.
        Assert.DoesNotContain("ACM98765432X", result.Claims[1].History.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply999_OtherGroup_IsRefusedAndMovesNothing()
    {
        var claims = X12Files.Submitted();

        var result = Apply999("other-group.999", claims);

        Assert.Equal(["segment 4 (AK1): acknowledges functional group HC 43; the claims were sent as group HC 42"], result.Errors.Select(e => e.ToString()));
        Assert.Same(claims, result.Claims);
    }

    [Fact]
    public void Apply999_Twice_MovesNothingTheSecondTime()
    {
        var once = Apply999("accepted.999", X12Files.Submitted());

        var twice = Apply999("accepted.999", once.Claims);

        Assert.All(twice.Outcomes, o => Assert.False(o.Moved));
        Assert.All(twice.Claims, c => Assert.Single(c.History));
    }

    [Fact]
    public void Read999_MissingIk5_IsRefused()
    {
        var text = X12Files.Text("rejected.999").Replace("IK5*R*I5~\n", string.Empty, StringComparison.Ordinal).Replace("SE*11*", "SE*10*", StringComparison.Ordinal);

        var (_, errors) = Acknowledgements.Read999(X12Files.ReadText(text));

        Assert.Equal(["segment 11 (AK9): the AK2 loop has no IK5 (the transaction set's acknowledgement)"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Apply277_AcceptsAndRejectsEachClaimWithItsStatusCodes()
    {
        var result = Apply277(X12Files.Text("claims.277"), X12Files.Submitted());

        Assert.Empty(result.Errors);
        Assert.Equal([ClaimStatus.Accepted, ClaimStatus.Rejected, ClaimStatus.Submitted], result.Claims.Select(c => c.Status));
        Assert.Equal("277CA STC A2:20:PR, payer claim ACM2026120001", result.Claims[0].History.Single().Reason);
        Assert.Equal("277CA STC A7:164:IL; line A4550 STC A7:453", result.Claims[1].History.Single().Reason);
    }

    [Fact]
    public void Apply277_AfterThe999AcceptedTheFile_RejectsAnAcceptedClaim()
    {
        var accepted = Apply999("accepted.999", X12Files.Submitted()).Claims;

        var result = Apply277(X12Files.Text("claims.277"), accepted);

        Assert.Equal([(false, ClaimStatus.Accepted), (true, ClaimStatus.Rejected)], result.Outcomes.Select(o => (o.Moved, o.Status)));
        Assert.Equal([ClaimStatus.Accepted, ClaimStatus.Rejected], result.Claims[1].History.Select(h => h.To));
    }

    [Fact]
    public void Apply277_ReceivedOnly_MovesNothing()
    {
        var text = X12Files.Text("claims.277").Replace("STC*A2:20:PR", "STC*A1:19:PR", StringComparison.Ordinal);

        var result = Apply277(text, X12Files.Submitted());

        Assert.Equal(ClaimStatus.Submitted, result.Claims[0].Status);
        Assert.False(result.Outcomes[0].Moved);
    }

    [Theory]
    [InlineData("TRN*2*CLM-2026-0002~", "TRN*2*CLM-2026-0099~", "segment 34 (TRN): TRN02 names claim 'CLM-2026-0099', which is not among the claims")]
    [InlineData("STC*A7:164:IL", "STC*P1:164:IL", "segment 34 (TRN): the claim's status category 'P1' is not an acknowledgement category (A0 to A8)")]
    public void Apply277_UnknownClaimOrCategory_IsRefusedAndMovesNothing(string from, string to, string expected)
    {
        var claims = X12Files.Submitted();

        var result = Apply277(X12Files.Text("claims.277").Replace(from, to, StringComparison.Ordinal), claims);

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
        Assert.Same(claims, result.Claims);
    }

    [Fact]
    public void Read277_StcWithoutStatusCode_NamesTheSegment()
    {
        var (_, errors) = Acknowledgements.Read277(X12Files.ReadText(X12Files.Text("claims.277").Replace("STC*A2:20:PR", "STC*A2", StringComparison.Ordinal)));

        Assert.Equal(["segment 29 (STC): STC01 needs a status category code and a status code (for example A7:21)"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ReadAcknowledgement_OfAnotherKind_IsRefused()
    {
        var (_, errors) = Acknowledgements.Read277(X12Files.Read("accepted.999"));

        Assert.Equal(["segment 3 (ST): is transaction set 999; expected a claim acknowledgement (277)"], errors.Select(e => e.ToString()));
    }
}
