using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>835 reading and posting, on hand-written remittances for the sample claims.</summary>
public sealed class RemittanceTests
{
    private static IReadOnlyList<Remittance> Remittances(string text)
    {
        var (remittances, errors) = RemittanceReader.Read(X12Files.ReadText(text));
        Assert.Empty(errors);
        return remittances;
    }

    private static IReadOnlyList<string> ReadErrors(string text) => [.. RemittanceReader.Read(X12Files.ReadText(text)).Errors.Select(e => e.ToString())];

    [Fact]
    public void Read_Paid835_ReadsPaymentClaimsLinesAdjustmentsAndProviderAdjustments()
    {
        var remittance = Assert.Single(Remittances(X12Files.Text("paid.835")));

        Assert.Equal(("EFT20261215001", "1841234567", "C", 165.8m, "C", "ACH"), (remittance.Trace, remittance.PayerId, remittance.HandlingCode, remittance.TotalPaid, remittance.CreditDebit, remittance.PaymentMethod));
        Assert.Equal(2, remittance.Claims.Count);
        var first = remittance.Claims[0];
        Assert.Equal(("CLM-2026-0001", "1", 230.01m, 140m, 30m, "ACM2026120001"), (first.ClaimId, first.StatusCode, first.Charge, first.Paid, first.PatientResponsibility, first.PayerClaimNumber));
        Assert.Equal(["99214", "83036", "3044F"], first.Lines.Select(l => l.ProcedureCode));
        Assert.Equal(["25"], first.Lines[0].Modifiers);
        Assert.Equal([new ClaimAdjustment("CO", "45", 35m), new ClaimAdjustment("PR", "3", 30m)], first.Lines[0].Adjustments);
        Assert.Equal(150m, first.Lines[0].Allowed);
        Assert.Equal(["N620"], first.Lines[2].RemarkCodes);
        Assert.Equal(new NodaTime.LocalDate(2026, 11, 16), first.Lines[0].DateOfService);
        Assert.Equal([new ProviderAdjustment(41, "1234567893", "WO", "PREVCLM99", 10m)], remittance.ProviderAdjustments);
    }

    [Fact]
    public void Post_Paid835_PostsPaidAllowedPatientShareAndAdjustmentsAndMovesTheClaims()
    {
        var result = RemittancePosting.Post(Remittances(X12Files.Text("paid.835")), X12Files.Submitted(), "biller", X12Files.Clock());

        Assert.Empty(result.Errors);
        // The quality-reporting code 3044F was allowed nothing and owed by nobody: one line of three denied.
        Assert.Equal([("CLM-2026-0001", ClaimStatus.PartiallyPaid, true), ("CLM-2026-0002", ClaimStatus.Paid, true)], result.Postings.Select(p => (p.ClaimId, p.Status, p.Posted)));
        var first = result.Claims[0];
        var payment = Assert.Single(first.Payments);
        Assert.Equal((140m, 170m, 30m), (payment.Paid, payment.Allowed, payment.PatientResponsibility));
        Assert.Equal([(1, 120m, 150m, 30m), (2, 20m, 20m, 0m), (3, 0m, 0m, 0m)], payment.Lines.Select(l => (l.Line, l.Paid, l.Allowed, l.PatientResponsibility)));
        Assert.Equal([ClaimStatus.Accepted, ClaimStatus.PartiallyPaid], first.History.Select(h => h.To));
        Assert.Equal("835 trace EFT20261215001: CLP02 1, paid 140.00, allowed 170.00, patient 30.00; CO-45 60.00, PR-3 30.00, CO-246 0.01", first.History[^1].Reason);
        var second = result.Claims[1];
        Assert.Equal([(1, 25m, 95m, 70m), (2, 10.8m, 12m, 1.2m)], second.Payments.Single().Lines.Select(l => (l.Line, l.Paid, l.Allowed, l.PatientResponsibility)));
        Assert.Equal(ClaimStatus.Paid, second.Status);
    }

    [Fact]
    public void Post_SameRemittanceTwice_PostsNothingTheSecondTime()
    {
        var remittances = Remittances(X12Files.Text("paid.835"));
        var once = RemittancePosting.Post(remittances, X12Files.Submitted(), "biller", X12Files.Clock());

        var twice = RemittancePosting.Post(remittances, once.Claims, "biller", X12Files.Clock());

        Assert.Empty(twice.Errors);
        Assert.All(twice.Postings, p => Assert.False(p.Posted));
        Assert.Equal(once.Claims, twice.Claims);
        Assert.All(twice.Claims.Where(c => c.Id != "CLM-2026-0003"), c => Assert.Single(c.Payments));
        Assert.Empty(twice.Claims.Single(c => c.Id == "CLM-2026-0003").Payments);
    }

    [Fact]
    public void Post_Denial_MovesTheClaimToDenied()
    {
        var claims = X12Files.Submitted();

        var result = RemittancePosting.Post(Remittances(X12Files.Text("denied.835")), claims, "biller", X12Files.Clock());

        Assert.Empty(result.Errors);
        Assert.Equal(ClaimStatus.Submitted, result.Claims[0].Status);
        var denied = result.Claims[1];
        Assert.Equal(ClaimStatus.Denied, denied.Status);
        var payment = Assert.Single(denied.Payments);
        Assert.Equal([new ClaimAdjustment("CO", "29", 138.5m)], payment.Adjustments);
        Assert.Equal(["MA130"], payment.RemarkCodes);
        Assert.Equal(0m, payment.Allowed);
    }

    [Fact]
    public void Post_ReversalAndCorrection_TheCorrectionDecides()
    {
        var paid = RemittancePosting.Post(Remittances(X12Files.Text("denied.835")), X12Files.Submitted(), "biller", X12Files.Clock()).Claims;
        var text = X12Files.Text("denied.835")
            .Replace("NOPAY20261216", "CORR20261220", StringComparison.Ordinal)
            .Replace("BPR*H*0*C*NON", "BPR*C*100*C*CHK", StringComparison.Ordinal)
            .Replace("MOA***MA130~\n", "MOA***MA130~\nCLP*CLM-2026-0002*22*-138.5*0*0*12*ACM2026120002*11*1~\nCAS*CO*29*-138.5~\nCLP*CLM-2026-0002*1*138.5*100*0*12*ACM2026120003*11*1~\nCAS*CO*45*38.5~\n", StringComparison.Ordinal)
            .Replace("SE*14*0001", "SE*18*0001", StringComparison.Ordinal);

        // Denied may only go to Appealed or Closed: an appealed claim takes the corrected payment.
        var appealed = paid.Select(c => c.Status == ClaimStatus.Denied ? ClaimLifecycle.Move(c, ClaimStatus.Appealed, "biller", "appeal", X12Files.Clock()) : c).ToList();
        var result = RemittancePosting.Post(Remittances(text), appealed, "biller", X12Files.Clock());

        Assert.Empty(result.Errors);
        Assert.Equal(ClaimStatus.Paid, result.Claims[1].Status);
        Assert.Equal(["4", "4", "22", "1"], result.Claims[1].Payments.Select(p => p.StatusCode));
        Assert.Equal(100m, result.Claims[1].Payments.Sum(p => p.Paid));
    }

    [Fact]
    public void Read_Unbalanced835_IsRefusedNamingTheAmounts()
    {
        Assert.Equal(["segment 4 (BPR): the file does not balance: BPR02 is 175.80, but the claims pay 175.80 and the provider adjustments (PLB) take 10.00, which makes 165.80"],
            ReadErrors(X12Files.Text("unbalanced.835")));
    }

    [Fact]
    public void Read_Debit_BalancesAgainstMinusBpr02()
    {
        // A recovery larger than the claims' payments: the payer takes 4.20 back.
        var text = X12Files.Text("paid.835").Replace("BPR*C*165.8*C*", "BPR*D*4.2*D*", StringComparison.Ordinal).Replace("WO:PREVCLM99*10~", "WO:PREVCLM99*180~", StringComparison.Ordinal);

        var remittance = Assert.Single(Remittances(text));

        Assert.Equal(("D", 4.2m), (remittance.CreditDebit, remittance.TotalPaid));
    }

    [Fact]
    public void Read_AmountNotANumber_NamesTheElement()
    {
        var errors = RemittanceReader.Read(X12Files.Read("bad-number.835")).Errors;

        Assert.Equal(["segment 29 (CLP): CLP04 is not a number"], errors.Select(e => e.ToString()));
        X12Files.NoPatientData(errors);
    }

    [Theory]
    [InlineData("CAS*CO*45*25~\nCAS*PR*1*70~", "CAS*CO*45*25~\nCAS*PR*1*60~", "segment 31 (SVC): the line does not balance: SVC02 120.00 less its adjustments 85.00 is 35.00, but SVC03 pays 25.00")]
    [InlineData("CAS*CO*45*25~\nCAS*PR*1*70~", "CAS*CO*45*25~\nCAS*XX*1*70~", "segment 34 (CAS): CAS01 must be a claim adjustment group code: CO, OA, PI or PR")]
    [InlineData("CLP*CLM-2026-0002*1*", "CLP*CLM-2026-0002*7*", "segment 29 (CLP): CLP02 must be a claim status code: 1, 2, 3, 4, 19, 20, 21, 22, 23, 25")]
    [InlineData("DTM*472*20261116~\nCAS*CO*45*25~\nAMT", "DTM*472*20261316~\nCAS*CO*45*25~\nAMT", "segment 22 (DTM): DTM02 is not a CCYYMMDD date")]
    [InlineData("BPR*C*165.8*C*", "BPR*C*165.8*X*", "segment 4 (BPR): BPR03 must be C (credit) or D (debit)")]
    public void Read_MalformedRemittance_NamesTheSegment(string from, string to, string expected)
    {
        var text = X12Files.Text("paid.835");
        Assert.Contains(from, text, StringComparison.Ordinal);

        var errors = ReadErrors(text.Replace(from, to, StringComparison.Ordinal));

        Assert.Contains(expected, errors);
        Assert.All(errors, e => Assert.DoesNotContain("20261316", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ClaimAdjustmentsDoNotBalance_NamesTheClaim()
    {
        var text = X12Files.Text("paid.835").Replace("CLP*CLM-2026-0002*1*138.5*35.8*71.2", "CLP*CLM-2026-0002*1*148.5*35.8*71.2", StringComparison.Ordinal);

        Assert.Equal(["segment 29 (CLP): the claim does not balance: CLP03 148.50 less its adjustments 102.70 is 45.80, but CLP04 pays 35.80"], ReadErrors(text));
    }

    [Fact]
    public void Post_UnknownClaim_PostsNothing()
    {
        var claims = X12Files.Submitted();

        var result = RemittancePosting.Post(Remittances(X12Files.Text("unknown-claim.835")), claims, "biller", X12Files.Clock());

        Assert.Equal(["segment 29 (CLP): CLP01 names claim 'CLM-2026-9999', which is not among the claims"], result.Errors.Select(e => e.ToString()));
        Assert.Same(claims, result.Claims);
        Assert.Empty(result.Postings);
    }

    [Fact]
    public void Post_LineOnAnotherDate_MatchesNoLineAndPostsNothing()
    {
        var text = X12Files.Text("paid.835").Replace("SVC*HC:99213*120*25**1~\nDTM*472*20261116~", "SVC*HC:99213*120*25**1~\nDTM*472*20261117~", StringComparison.Ordinal);

        var result = RemittancePosting.Post(Remittances(text), X12Files.Submitted(), "biller", X12Files.Clock());

        Assert.Equal(["segment 31 (SVC): no line of claim 'CLM-2026-0002' not already paid in this CLP has procedure 99213 on the date of service given"], result.Errors.Select(e => e.ToString()));
        X12Files.NoPatientData(result.Errors);
        Assert.Empty(result.Postings);
    }

    [Fact]
    public void Post_ClaimNotSubmitted_IsRefused()
    {
        var drafts = ClaimTests.Sample().Claims;

        var result = RemittancePosting.Post(Remittances(X12Files.Text("denied.835")), drafts, "biller", X12Files.Clock());

        Assert.Equal(["segment 12 (CLP): claim 'CLM-2026-0002' is Draft; only a submitted or adjudicated claim takes a remittance"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Post_MoveTheLifecycleRefuses_PostsNothing()
    {
        var paid = RemittancePosting.Post(Remittances(X12Files.Text("paid.835")), X12Files.Submitted(), "biller", X12Files.Clock()).Claims;

        var result = RemittancePosting.Post(Remittances(X12Files.Text("denied.835")), paid, "biller", X12Files.Clock());

        Assert.Equal(["segment 12 (CLP): claim 'CLM-2026-0002' is Paid; this remittance would make it Denied, which its lifecycle does not allow (from Paid: Closed)"], result.Errors.Select(e => e.ToString()));
        Assert.Same(paid, result.Claims);
    }
}
