using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>835 posting rule by rule: small hand-written remittances (the body starts at segment 4) posted to a claim made for each case.</summary>
public sealed class RemittancePostingRuleTests
{
    private static readonly LocalDate Service = new(2026, 11, 16);

    private static ServiceLine Line(string code, params string[] modifiers) => new(code, modifiers, 1m, 100m, [1], "11", Service, "office-visit");

    private static Claim Claim(ClaimStatus status, params ServiceLine[] lines) =>
        ClaimTests.Sample().Claims[0] with { Id = "C1", Lines = lines, Status = status, History = [] };

    private static IReadOnlyList<Remittance> Remittances(params string[] body)
    {
        var (remittances, errors) = RemittanceReader.Read(X12Files.Wrap("HP", "835", body));
        Assert.Empty(errors);
        return remittances;
    }

    private static RemittancePostingResult Post(IReadOnlyList<Claim> claims, params string[] body) =>
        RemittancePosting.Post(Remittances(body), claims, "biller", X12Files.Clock());

    private static (Claim Claim, PostedClaim Posting) PostOne(Claim claim, params string[] body)
    {
        var result = Post([claim], body);
        Assert.Empty(result.Errors);
        return (Assert.Single(result.Claims), Assert.Single(result.Postings));
    }

    [Fact]
    public void Post_SameCodeTwice_TheLineWithTheSameModifiersIsPaidFirstAndNoLineTwice()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"), Line("99213", "25"));

        var (posted, posting) = PostOne(claim,
            "BPR*C*140*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*200*140*0",
            "SVC*HC:99213:25*100*80", "DTM*472*20261116", "CAS*CO*45*20",
            "SVC*HC:99213*100*60", "CAS*CO*45*40");

        Assert.Equal([(2, 80m, 80m), (1, 60m, 60m)], posting.Payments.Single().Lines.Select(l => (l.Line, l.Paid, l.Allowed)));
        Assert.Equal((ClaimStatus.Paid, true), (posting.Status, posting.Posted));
        Assert.Equal(ClaimStatus.Paid, posted.Status);
    }

    [Theory]
    [InlineData("SVC*HC:99213*100*100", "99213 with no modifiers")]
    [InlineData("SVC*HC:99213:59*100*100", "99213 with modifiers 59")]
    [InlineData("SVC*HC:99213:25:59*100*100", "99213 with modifiers 25 59")]
    [InlineData("SVC*HC:99213:25*100*100**1*HC:99213", "99213 with no modifiers")]
    public void Post_ModifiersNotAsSubmitted_MatchNoLine(string svc, string what)
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213", "25"));

        var result = Post([claim], "BPR*C*100*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*100*0", svc);

        Assert.Equal([$"segment 7 (SVC): no line of claim 'C1' not already paid in this CLP has procedure {what}; when the payer paid other modifiers, SVC06 carries the procedure and modifiers as submitted"],
            result.Errors.Select(e => e.ToString()));
        Assert.Empty(result.Postings);
    }

    [Theory]
    [InlineData("SVC*HC:99213:59:25*100*100")]
    [InlineData("SVC*HC:99213:25:59*100*100")]
    [InlineData("SVC*HC:99213*100*100**1*HC:99213:59:25")]
    public void Post_ModifiersAsSubmitted_InAnyOrderOrInSvc06_MatchTheLine(string svc)
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213", "25", "59"));

        var (_, posting) = PostOne(claim, "BPR*C*100*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*100*0", svc);

        Assert.Equal(1, Assert.Single(posting.Payments.Single().Lines).Line);
    }

    [Fact]
    public void Post_ChargeNotTheLines_IsRefusedUnlessThePayerRecodedTheLine()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"));

        var refused = Post([claim], "BPR*C*90*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*90*90*0", "SVC*HC:99213*90*90");
        var recoded = Post([claim], "BPR*C*90*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*90*90*0", "SVC*HC:99212*90*90**1*HC:99213");

        Assert.Equal(["segment 7 (SVC): SVC02 90.00 is not the charge 100.00 of line 1 of claim 'C1' (99213); the SVC reports a line's charge as submitted"], refused.Errors.Select(e => e.ToString()));
        Assert.Empty(recoded.Errors);
    }

    [Fact]
    public void Post_SameCodeAndModifiersTwice_TheLineWithTheSvcsChargeIsPaid()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"), Line("99213") with { Charge = 60m });

        var (_, posting) = PostOne(claim, "BPR*C*50*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*60*50*0", "SVC*HC:99213*60*50", "CAS*CO*45*10");

        Assert.Equal((2, 60m), (Assert.Single(posting.Payments.Single().Lines).Line, posting.Payments.Single().Lines[0].Charge));
    }

    [Fact]
    public void Post_Reversal_MatchesTheLineByItsChargeWithoutTheMinusSign()
    {
        var claim = Claim(ClaimStatus.Paid, Line("99213"));

        var result = Post([claim], "BPR*C*80*D*ACH", "TRN*1*T1*P1", "CLP*C1*22*-100*-80*0", "SVC*HC:99213*-100*-80", "CAS*CO*45*-20");

        Assert.Empty(result.Errors);
        Assert.Equal(1, Assert.Single(result.Postings.Single().Payments.Single().Lines).Line);
    }

    [Fact]
    public void Post_MoreServicesThanLines_TheExtraServiceMatchesNothing()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"));

        var result = Post([claim], "BPR*C*20*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*200*20*0", "SVC*HC:99213*100*10", "CAS*CO*45*90", "SVC*HC:99213*100*10", "CAS*CO*45*90");

        Assert.Equal(["segment 9 (SVC): no line of claim 'C1' not already paid in this CLP has procedure 99213"], result.Errors.Select(e => e.ToString()));
        Assert.Same(claim, Assert.Single(result.Claims));
        Assert.Empty(result.Postings);
    }

    [Fact]
    public void Post_SubmittedProcedureCode_FindsTheLineThePayerRecoded()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99214"));

        var (_, posting) = PostOne(claim, "BPR*C*70*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*70*0", "SVC*HC:99213*100*70**1*HC:99214", "CAS*CO*45*30");

        var line = Assert.Single(posting.Payments.Single().Lines);
        Assert.Equal((1, "99213", 100m), (line.Line, line.ProcedureCode, line.Charge));
    }

    [Fact]
    public void Post_NoAllowedAmount_IsPaidPlusThePatientsShare()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"), Line("81002"));

        var (_, posting) = PostOne(claim,
            "BPR*C*65*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*200*65*35",
            "SVC*HC:99213*100*50", "CAS*PR*1*20", "CAS*CO*45*30",
            "SVC*HC:81002*100*15", "AMT*B6*40", "CAS*PR*2*15", "CAS*OA*23*70");

        var payment = posting.Payments.Single();
        Assert.Equal([(1, 50m, 70m, 20m), (2, 15m, 40m, 15m)], payment.Lines.Select(l => (l.Line, l.Paid, l.Allowed, l.PatientResponsibility)));
        Assert.Equal((65m, 110m, 35m), (payment.Paid, payment.Allowed, payment.PatientResponsibility));
    }

    [Theory]
    [InlineData("CLP*C1*1*100*60*10|AMT*AU*90|CAS*CO*45*30|CAS*PR*1*10", 60, 90, ClaimStatus.Paid)]
    [InlineData("CLP*C1*1*100*60*10|CAS*CO*45*30|CAS*PR*1*10", 60, 70, ClaimStatus.Paid)]
    [InlineData("CLP*C1*1*100*0*100|CAS*PR*1*100", 0, 100, ClaimStatus.Paid)]
    [InlineData("CLP*C1*1*100*0*0|CAS*CO*50*100", 0, 0, ClaimStatus.Denied)]
    [InlineData("CLP*C1*2*100*60*0|CAS*CO*45*40", 60, 60, ClaimStatus.Paid)]
    [InlineData("CLP*C1*4*100*0*0|CAS*CO*29*100", 0, 0, ClaimStatus.Denied)]
    public void Post_ClaimWithoutServiceLines_TheClaimAmountsDecide(string clp, int paid, int allowed, ClaimStatus expected)
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"));

        var (posted, posting) = PostOne(claim, [$"BPR*C*{paid}*C*ACH", "TRN*1*T1*P1", .. clp.Split('|')]);

        var payment = posting.Payments.Single();
        Assert.Empty(payment.Lines);
        Assert.Equal(((decimal)paid, (decimal)allowed), (payment.Paid, payment.Allowed));
        Assert.Equal([ClaimStatus.Accepted, expected], posted.History.Select(h => h.To));
        Assert.Equal("835 trace T1: adjudicated", posted.History[0].Reason);
        Assert.Equal("biller", posted.History[1].Actor);
    }

    [Fact]
    public void Post_ALineOwedOnlyByThePatient_IsAllowed()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"), Line("81002"));

        var (posted, _) = PostOne(claim, "BPR*C*0*C*NON", "TRN*1*T1*P1", "CLP*C1*1*200*0*100", "SVC*HC:99213*100*0", "CAS*PR*1*100", "SVC*HC:81002*100*0", "CAS*PR*1*100");

        Assert.Equal(ClaimStatus.Paid, posted.Status);
    }

    [Fact]
    public void Post_NoLineAllowed_IsDenied()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"), Line("81002"));

        var (posted, _) = PostOne(claim, "BPR*C*0*C*NON", "TRN*1*T1*P1", "CLP*C1*1*200*0*0", "SVC*HC:99213*100*0", "CAS*CO*50*100", "SVC*HC:81002*100*0", "CAS*CO*50*100");

        Assert.Equal(ClaimStatus.Denied, posted.Status);
    }

    [Theory]
    [InlineData("25", ClaimStatus.Submitted)]
    [InlineData("22", ClaimStatus.Submitted)]
    [InlineData("25", ClaimStatus.Accepted)]
    [InlineData("22", ClaimStatus.Paid)]
    public void Post_OnlyAReversalOrAPredetermination_RecordsThePaymentAndMovesNothing(string status, ClaimStatus from)
    {
        var claim = Claim(from, Line("99213"));
        var amount = status == "22" ? "-100" : "100";

        var (posted, posting) = PostOne(claim, status == "22" ? "BPR*H*100*D*NON" : "BPR*C*100*C*ACH", "TRN*1*T1*P1", status == "22" ? "CLP*C1*22*-100*-100*0" : "CLP*C1*25*100*100*0", $"SVC*HC:99213*{amount}*{amount}");

        Assert.Equal((from, true), (posting.Status, posting.Posted));
        Assert.Equal(from, posted.Status);
        Assert.Empty(posted.History);
        Assert.Equal(status, Assert.Single(posted.Payments).StatusCode);
    }

    [Fact]
    public void Post_APartPaymentOnAPartlyPaidClaim_RecordsItAndStaysPartlyPaid()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"), Line("81002"));
        var (first, _) = PostOne(claim, "BPR*C*80*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*200*80*0", "SVC*HC:99213*100*80", "CAS*CO*45*20", "SVC*HC:81002*100*0", "CAS*CO*50*100");
        Assert.Equal(ClaimStatus.PartiallyPaid, first.Status);

        var (second, posting) = PostOne(first, "BPR*C*10*C*ACH", "TRN*1*T2*P2", "CLP*C1*2*200*10*0", "SVC*HC:99213*100*10", "CAS*OA*23*90", "SVC*HC:81002*100*0", "CAS*OA*23*100");

        Assert.Equal((ClaimStatus.PartiallyPaid, true), (posting.Status, posting.Posted));
        Assert.Equal(first.History, second.History);
        Assert.Equal(["T1", "T2"], second.Payments.Select(p => p.Trace));
    }

    [Fact]
    public void Post_ATraceAlreadyPosted_ReturnsOnlyThatRemittancesPaymentsAndAnotherPayersSameTraceStillPosts()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"));
        string[] denial = ["BPR*C*0*C*NON", "TRN*1*T1*P1", "CLP*C1*4*100*0*0", "CAS*CO*29*100"];
        var (once, _) = PostOne(claim, denial);
        var appealed = ClaimLifecycle.Move(once, ClaimStatus.Appealed, "biller", "appeal", X12Files.Clock());
        var (twice, _) = PostOne(appealed, "BPR*C*10*C*ACH", "TRN*1*T2*P1", "CLP*C1*1*100*10*0", "CAS*CO*45*90");

        var (again, repeat) = PostOne(twice, denial);
        var (otherPayer, other) = PostOne(twice, "BPR*C*0*C*NON", "TRN*1*T1*P9", "CLP*C1*25*100*0*0", "CAS*CO*45*100");

        Assert.False(repeat.Posted);
        Assert.Equal([once.Payments.Single()], repeat.Payments);
        Assert.Equal(ClaimStatus.Paid, repeat.Status);
        Assert.Same(twice, again);
        Assert.True(other.Posted);
        Assert.Equal(["P1", "P1", "P9"], otherPayer.Payments.Select(p => p.PayerId));
    }

    [Fact]
    public void Post_PaymentCarriesTheRemittancesAndTheClaimsFields()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"));

        var (posted, posting) = PostOne(claim, "BPR*I*80*C*CHK************20261215", "TRN*1*CHK-77*1999999999", "CLP*C1*1*100*80*0*12*PCN-1", "CAS*CO*45*20", "MOA***MA01");

        var payment = Assert.Single(posting.Payments);
        Assert.Equal(("CHK-77", "1999999999", "1", "PCN-1", 100m, (LocalDate?)new LocalDate(2026, 12, 15)), (payment.Trace, payment.PayerId, payment.StatusCode, payment.PayerClaimNumber, payment.Charge, payment.PaymentDate));
        Assert.Equal([new ClaimAdjustment("CO", "45", 20m)], payment.Adjustments);
        Assert.Equal(["MA01"], payment.RemarkCodes);
        Assert.Equal([payment], posted.Payments);
    }

    [Fact]
    public void Post_TwoClaimPaymentsForOneClaim_TheLastDecidesAndTheReasonListsEachWithItsAdjustmentsSummed()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"), Line("81002"));

        var (posted, posting) = PostOne(claim, "BPR*C*90*C*ACH", "TRN*1*T1*P1",
            "CLP*C1*4*200*0*0", "CAS*CO*29*200",
            "CLP*C1*1*200*90*0", "SVC*HC:99213*100*50", "CAS*CO*45*30*1*253*20", "SVC*HC:81002*100*40", "CAS*CO*45*60");

        Assert.Equal(["4", "1"], posting.Payments.Select(p => p.StatusCode));
        Assert.Equal(ClaimStatus.Paid, posted.Status);
        Assert.Equal("835 trace T1: CLP02 4, paid 0.00, allowed 0.00, patient 0.00; CO-29 200.00; CLP02 1, paid 90.00, allowed 90.00, patient 0.00; CO-45 90.00, CO-253 20.00", posted.History[^1].Reason);
    }

    [Fact]
    public void Post_NoAdjustments_TheReasonEndsWithTheAmounts()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"));

        var (posted, _) = PostOne(claim, "BPR*C*100*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*100*0");

        Assert.Equal("835 trace T1: CLP02 1, paid 100.00, allowed 100.00, patient 0.00", posted.History[^1].Reason);
    }

    [Fact]
    public void Post_TheReasonIsWrittenTheSameWhateverTheLocale()
    {
        var claim = Claim(ClaimStatus.Submitted, Line("99213"));
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
            var (posted, _) = PostOne(claim, "BPR*C*99.5*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*99.5*0.5", "CAS*CO*45*0.5");

            Assert.Equal("835 trace T1: CLP02 1, paid 99.50, allowed 100.00, patient 0.50; CO-45 0.50", posted.History[^1].Reason);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData(ClaimStatus.Draft)]
    [InlineData(ClaimStatus.Ready)]
    [InlineData(ClaimStatus.Rejected)]
    [InlineData(ClaimStatus.Closed)]
    public void Post_ClaimNotYetSubmittedOrDone_IsRefused(ClaimStatus status)
    {
        var claim = Claim(status, Line("99213"));

        var result = Post([claim], "BPR*C*100*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*100*0");

        Assert.Equal([$"segment 6 (CLP): claim 'C1' is {status}; only a submitted or adjudicated claim takes a remittance"], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(ClaimStatus.Accepted, ClaimStatus.Paid)]
    [InlineData(ClaimStatus.Appealed, ClaimStatus.Paid)]
    [InlineData(ClaimStatus.Denied, ClaimStatus.Denied)]
    public void Post_AdjudicatedClaim_TakesTheRemittance(ClaimStatus from, ClaimStatus to)
    {
        var claim = Claim(from, Line("99213"));

        var (posted, _) = PostOne(claim, from == ClaimStatus.Denied ? ["BPR*C*0*C*NON", "TRN*1*T1*P1", "CLP*C1*4*100*0*0", "CAS*CO*29*100"] : ["BPR*C*100*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*100*0"]);

        Assert.Equal(to, posted.Status);
        Assert.Equal(from == to ? 0 : 1, posted.History.Count);
    }

    [Fact]
    public void Post_OneClaimFails_NothingIsPostedForTheOthersEither()
    {
        var good = Claim(ClaimStatus.Submitted, Line("99213"));
        var draft = good with { Id = "C2", Status = ClaimStatus.Draft };
        IReadOnlyList<Claim> claims = [good, draft];

        var result = Post(claims, "BPR*C*200*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*100*0", "CLP*C2*1*100*100*0");

        Assert.Equal(["segment 7 (CLP): claim 'C2' is Draft; only a submitted or adjudicated claim takes a remittance"], result.Errors.Select(e => e.ToString()));
        Assert.Same(claims, result.Claims);
        Assert.Empty(result.Postings);
    }

    [Fact]
    public void Post_ClaimsNotNamed_AreReturnedUnchangedInTheirOrder()
    {
        var first = Claim(ClaimStatus.Submitted, Line("99213")) with { Id = "C0" };
        var second = Claim(ClaimStatus.Submitted, Line("99213"));

        var result = Post([first, second], "BPR*C*100*C*ACH", "TRN*1*T1*P1", "CLP*C1*1*100*100*0");

        Assert.Equal(["C0", "C1"], result.Claims.Select(c => c.Id));
        Assert.Same(first, result.Claims[0]);
        Assert.Equal(ClaimStatus.Paid, result.Claims[1].Status);
        Assert.Equal(["C1"], result.Postings.Select(p => p.ClaimId));
    }

    [Fact]
    public void Post_NullOrBlankArguments_AreRefused()
    {
        IReadOnlyList<Claim> claims = [Claim(ClaimStatus.Submitted, Line("99213"))];
        var remittances = Remittances("BPR*C*0*C*NON", "TRN*1*T1*P1");

        Assert.Throws<ArgumentNullException>(() => RemittancePosting.Post(null!, claims, "biller", X12Files.Clock()));
        Assert.Throws<ArgumentNullException>(() => RemittancePosting.Post(remittances, null!, "biller", X12Files.Clock()));
        Assert.Throws<ArgumentException>(() => RemittancePosting.Post(remittances, claims, " ", X12Files.Clock()));
        Assert.Throws<ArgumentNullException>(() => RemittancePosting.Post(remittances, claims, "biller", null!));
    }
}
