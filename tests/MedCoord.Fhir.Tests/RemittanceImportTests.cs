#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Engine.Billing;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// A payer's ExplanationOfBenefit the way payers write it: which identifier is the trace and the payer's claim number,
/// which amounts win when the EOB leaves totals out, the patient's share from PR adjustments, and every problem's path
/// and message.
/// </summary>
public sealed class RemittanceImportTests
{
    private const string Adjudication = "http://terminology.hl7.org/CodeSystem/adjudication";
    private const string AmountList = "urn:medcoord:code:adjudication-amount";

    private static ExplanationOfBenefit.AdjudicationComponent Amount(string code, decimal amount) =>
        new() { Category = new CodeableConcept(Adjudication, code), Amount = new Money { Value = amount, Currency = Money.Currencies.USD } };

    private static ExplanationOfBenefit.AdjudicationComponent PatientShare(decimal amount) =>
        new() { Category = new CodeableConcept(AmountList, "patient-responsibility"), Amount = new Money { Value = amount } };

    private static ExplanationOfBenefit.AdjudicationComponent Adjustment(string group, string reason, decimal? amount) => new()
    {
        Category = new CodeableConcept("urn:medcoord:code:claim-adjustment-group", group),
        Reason = reason is null ? null : new CodeableConcept(RemittanceImport.CarcSystem, reason),
        Amount = amount is { } value ? new Money { Value = value } : null,
    };

    private static ExplanationOfBenefit.TotalComponent Total(string system, string code, decimal amount) =>
        new() { Category = new CodeableConcept(system, code), Amount = new Money { Value = amount } };

    private static ExplanationOfBenefit.ItemComponent Item(int sequence, params ExplanationOfBenefit.AdjudicationComponent[] adjudications) =>
        new() { Sequence = sequence, ProductOrService = new CodeableConcept("http://www.ama-assn.org/go/cpt", $"9921{sequence}"), Adjudication = [.. adjudications] };

    /// <summary>A complete EOB for claim CLM-9 from PAYER-1, trace EFT-1, with nothing paid stated and no totals.</summary>
    private static ExplanationOfBenefit Eob(params ExplanationOfBenefit.ItemComponent[] items) => new()
    {
        Claim = new ResourceReference { Identifier = new Identifier("urn:medcoord:claim", "CLM-9") },
        Insurer = new ResourceReference { Identifier = new Identifier("http://payer.example/id", "PAYER-1") },
        Outcome = ClaimProcessingCodes.Complete,
        Item = [.. items],
        Payment = new ExplanationOfBenefit.PaymentComponent { Identifier = new Identifier("http://payer.example/eft", "EFT-1") },
    };

    private static ClaimPayment Paid(ExplanationOfBenefit eob)
    {
        var import = RemittanceImport.Read(eob);
        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        return Assert.Single(import.Records).Payment;
    }

    private static (decimal Charge, decimal Paid, decimal Allowed, decimal Patient) Amounts(ClaimPayment p) => (p.Charge, p.Paid, p.Allowed, p.PatientResponsibility);

    private static (decimal Charge, decimal Paid, decimal Allowed, decimal Patient) Amounts(LinePayment p) => (p.Charge, p.Paid, p.Allowed, p.PatientResponsibility);

    [Fact]
    public void Read_WithoutAnArgument_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => RemittanceImport.Read((Bundle)null));
        Assert.Throws<ArgumentNullException>(() => RemittanceImport.Read((ExplanationOfBenefit)null));
    }

    [Fact]
    public void TheTotals_WinOverTheLines_AndThePatientResponsibilityTotalOverCopayAndDeductible()
    {
        var eob = Eob(Item(1, Amount("submitted", 1m), Amount("benefit", 2m), Amount("eligible", 3m), PatientShare(4m)));
        eob.Total =
        [
            Total(Adjudication, "submitted", 100m), Total(Adjudication, "eligible", 80m), Total(Adjudication, "benefit", 50m),
            Total(Adjudication, "copay", 5m), Total(AmountList, "patient-responsibility", 30m),
        ];

        Assert.Equal((100m, 50m, 80m, 30m), Amounts(Paid(eob)));
    }

    [Fact]
    public void ThePaymentAmount_WinsOverTheBenefitTotal()
    {
        var eob = Eob(Item(1, Amount("benefit", 2m)));
        eob.Total = [Total(Adjudication, "benefit", 50m)];
        eob.Payment.Amount = new Money { Value = 45m };

        Assert.Equal(45m, Paid(eob).Paid);
    }

    [Fact]
    public void WithoutTotals_EachAmount_IsTheSumOfTheLines_PlusTheClaimLevelAdjudication()
    {
        var eob = Eob(
            Item(1, Amount("submitted", 100m), Amount("eligible", 80m), Amount("benefit", 60m), PatientShare(20m)),
            Item(2, Amount("submitted", 50m), Amount("eligible", 40m), Amount("benefit", 30m), Adjustment("PR", "2", 10m)));
        eob.Adjudication = [Adjustment("PR", "1", 7m), Adjustment("CO", "45", 3m)];

        var payment = Paid(eob);

        Assert.Equal((150m, 90m, 120m, 37m), Amounts(payment));
        Assert.Equal([new ClaimAdjustment("PR", "1", 7m), new ClaimAdjustment("CO", "45", 3m)], payment.Adjustments);
    }

    [Theory]
    [InlineData(20, null, 30)]
    [InlineData(null, 10, 20)]
    [InlineData(20, 10, 40)]
    public void ThePatientsShare_IsTheCopayAndDeductibleTotals_NotAddedToTheLinesThatMakeThemUp(int? copay, int? deductible, int lineShare)
    {
        var eob = Eob(Item(1, Amount("submitted", 100m), Amount("benefit", 50m), Amount("copay", copay ?? 0), Amount("deductible", deductible ?? 0), PatientShare(lineShare)));
        if (copay is { } c)
        {
            eob.Total.Add(Total(Adjudication, "copay", c));
        }

        if (deductible is { } d)
        {
            eob.Total.Add(Total(Adjudication, "deductible", d));
        }

        Assert.Equal((copay ?? 0) + (deductible ?? 0), Paid(eob).PatientResponsibility);
    }

    [Fact]
    public void WithoutItems_TheClaimLevelAdjudication_GivesTheAmounts_AndTheAllowedIsPaidPlusThePatientsShare()
    {
        var eob = Eob();
        eob.Adjudication = [Amount("submitted", 90m), Amount("benefit", 40m), Adjustment("PR", "3", 12m), Adjustment("PR", "1", 8m), Adjustment("OA", "23", 5m)];
        var stated = Eob();
        stated.Adjudication = [Amount("benefit", 40m), Amount("eligible", 75m)];

        Assert.Equal((90m, 40m, 60m, 20m), Amounts(Paid(eob)));
        Assert.Equal(75m, Paid(stated).Allowed);
    }

    [Fact]
    public void ATotal_CountsByItsSystemAndCode_AmongSeveralCodings()
    {
        var eob = Eob(Item(1, Amount("submitted", 100m), Amount("benefit", 50m), PatientShare(25m)));
        eob.Total =
        [
            Total("http://payer.example/amounts", "patient-responsibility", 99m), Total(AmountList, "copay", 98m), Total(AmountList, "eligible", 97m),
            new() { Category = new CodeableConcept { Coding = [new Coding("http://payer.example/amounts", "SUB"), new Coding(Adjudication, "submitted")] }, Amount = new Money { Value = 110m } },
            new() { Category = new CodeableConcept { Coding = [new Coding("http://payer.example/amounts", "PR"), new Coding(AmountList, "patient-responsibility")] }, Amount = new Money { Value = 26m } },
        ];

        Assert.Equal((110m, 50m, 75m, 26m), Amounts(Paid(eob)));
    }

    [Fact]
    public void ALine_TakesItsOwnAmounts_ItsAllowedFallingBackToPaidPlusThePatientsShare()
    {
        var eob = Eob(
            Item(1, Amount("submitted", 100m), Amount("benefit", 50m), Amount("copay", 20m), Amount("deductible", 5m)),
            Item(2, new ExplanationOfBenefit.AdjudicationComponent
            {
                Category = new CodeableConcept { Coding = [new Coding("http://payer.example/amounts", "ALLOWED"), new Coding(Adjudication, "eligible")] }, Amount = new Money { Value = 70m },
            }, Amount("benefit", 70m)));
        eob.Item[1].ProductOrService = new CodeableConcept { Text = "office visit" };

        var lines = Paid(eob).Lines;

        Assert.Equal([(1, "99211"), (2, string.Empty)], lines.Select(l => (l.Line, l.ProcedureCode)));
        Assert.Equal((100m, 50m, 75m, 25m), Amounts(lines[0]));
        Assert.Equal((0m, 70m, 70m, 0m), Amounts(lines[1]));
    }

    [Fact]
    public void ALinesPatientShare_IsItsPatientResponsibility_ElseThePrAdjustments_ElseCopayAndDeductible()
    {
        var eob = Eob(
            Item(1, Amount("benefit", 50m), PatientShare(12m), Adjustment("PR", "1", 99m), Amount("copay", 98m)),
            Item(2, Amount("benefit", 50m), Adjustment("PR", "1", 15m), Adjustment("CO", "45", 30m), Adjustment("PR", "2", 5m), Amount("copay", 97m)),
            Item(3, Amount("benefit", 50m), Adjustment("CO", "45", 30m), Amount("copay", 20m), Amount("deductible", 10m)));

        var lines = Paid(eob).Lines;

        Assert.Equal([12m, 20m, 30m], lines.Select(l => l.PatientResponsibility));
        Assert.Equal([new ClaimAdjustment("PR", "1", 15m), new ClaimAdjustment("CO", "45", 30m), new ClaimAdjustment("PR", "2", 5m)], lines[1].Adjustments);
    }

    [Fact]
    public void RemarkCodes_AreTheRarcReasons_OfTheClaimAndOfEachLine()
    {
        static ExplanationOfBenefit.AdjudicationComponent Remark(string code) =>
            new() { Category = new CodeableConcept(AmountList, "remark"), Reason = new CodeableConcept(RemittanceImport.RarcSystem, code) };
        var eob = Eob(Item(1, Amount("benefit", 50m), Remark("N130"), Adjustment("CO", "45", 10m)));
        eob.Adjudication = [Remark("MA01"), Remark("N20")];

        var payment = Paid(eob);

        Assert.Equal(["MA01", "N20"], payment.RemarkCodes);
        Assert.Empty(payment.Adjustments);
        Assert.Equal(["N130"], payment.Lines[0].RemarkCodes);
        Assert.Equal([new ClaimAdjustment("CO", "45", 10m)], payment.Lines[0].Adjustments);
    }

    [Fact]
    public void TheTrace_IsThePaymentIdentifier_ElseTheRemittanceTraceIdentifier()
    {
        var both = Eob();
        both.Identifier = [new Identifier("urn:medcoord:remittance-trace", "TRN-5")];
        var traceOnly = Eob();
        traceOnly.Identifier = [new Identifier("http://payer.example/claim", "P-1"), new Identifier("urn:medcoord:remittance-trace", "TRN-6")];
        traceOnly.Payment.Identifier = null;

        Assert.Equal("EFT-1", Paid(both).Trace);
        Assert.Equal("TRN-6", Paid(traceOnly).Trace);
    }

    [Theory]
    [InlineData("urn:medcoord:remittance-trace=TRN-1|http://payer.example/claim=P-1", "P-1")]
    [InlineData("http://payer.example/claim=P-1|urn:medcoord:payer-claim-number=PCN-2", "PCN-2")]
    [InlineData("http://payer.example/claim=|http://payer.example/other=P-3", "P-3")]
    [InlineData("urn:medcoord:remittance-trace=TRN-1", "")]
    [InlineData("", "")]
    public void ThePayersClaimNumber_IsItsIdentifier_ElseTheFirstOtherThanTheTrace_ElseEmpty(string identifiers, string expected)
    {
        var eob = Eob();
        eob.Identifier = TestIdentifiers.Parse(identifiers);

        Assert.Equal(expected, Paid(eob).PayerClaimNumber);
    }

    [Fact]
    public void TheClaimAndThePayer_AreTheEngineIdentifiersOfTheResourcesInTheBundle()
    {
        var eob = Eob();
        eob.Claim = new ResourceReference("Claim/c1");
        eob.Insurer = new ResourceReference("Organization/o1");
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry =
            [
                new() { FullUrl = "http://ehr.example/fhir/Claim/c1", Resource = new Hl7.Fhir.Model.Claim { Id = "c1", Identifier = [new Identifier("http://ehr.example/claim", "EHR-1"), new Identifier("urn:medcoord:claim", "CLM-4")] } },
                new() { FullUrl = "http://ehr.example/fhir/Organization/o1", Resource = new Organization { Id = "o1", Identifier = [new Identifier("http://hl7.org/fhir/sid/us-npi", "1234567893"), new Identifier("urn:medcoord:payer", "PAYER-7")] } },
                new() { FullUrl = "http://ehr.example/fhir/ExplanationOfBenefit/e1", Resource = eob },
            ],
        };

        var import = RemittanceImport.Read(bundle);

        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        Assert.Equal(("CLM-4", "PAYER-7"), (import.Records[0].ClaimId, import.Records[0].Payment.PayerId));
    }

    [Fact]
    public void ABadEob_IsEveryProblem_ByPathAndMessage_NamedByItsIdentifierElseItsId()
    {
        var bad = new ExplanationOfBenefit
        {
            Id = "e1", Identifier = [new Identifier("http://payer.example/claim", "P-77")],
            Adjudication = [Adjustment("CO", "45", null), Adjustment("OA", null, 3m), new() { Category = new CodeableConcept("urn:medcoord:code:claim-adjustment-group", "PR"), Reason = new CodeableConcept("http://payer.example/reasons", "1"), Amount = new Money { Value = 2m } }],
            Item = [Item(1), new ExplanationOfBenefit.ItemComponent { Adjudication = [Adjustment("CO", null, 1m)] }],
            Payment = new ExplanationOfBenefit.PaymentComponent { Identifier = new Identifier("http://payer.example/eft", string.Empty), Date = "2026-13-01" },
        };
        var byId = new ExplanationOfBenefit { Id = "e2" };

        Assert.Equal(
            [
                ("claim", "ExplanationOfBenefit 'P-77' names no claim the engine could know (an identifier of the Claim it answers)"),
                ("payment.identifier", "ExplanationOfBenefit 'P-77' has no payment identifier (the remittance's trace number)"),
                ("insurer", "ExplanationOfBenefit 'P-77' names no payer (an identifier of its insurer)"),
                ("outcome", "ExplanationOfBenefit 'P-77' has no outcome"),
                ("item[1].sequence", "ExplanationOfBenefit 'P-77': item 2 has no sequence (the claim's line)"),
                ("item[1].adjudication[0]", $"an adjustment of group CO needs a reason code ({RemittanceImport.CarcSystem}) and an amount"),
                ("adjudication[0]", $"an adjustment of group CO needs a reason code ({RemittanceImport.CarcSystem}) and an amount"),
                ("adjudication[1]", $"an adjustment of group OA needs a reason code ({RemittanceImport.CarcSystem}) and an amount"),
                ("adjudication[2]", $"an adjustment of group PR needs a reason code ({RemittanceImport.CarcSystem}) and an amount"),
                ("payment.date", "'2026-13-01' is not a date (YYYY-MM-DD)"),
            ],
            RemittanceImport.Read(bad).Errors.Select(e => (e.Path, e.Message)));
        Assert.Empty(RemittanceImport.Read(bad).Records);
        Assert.Equal("ExplanationOfBenefit 'e2' has no outcome", Assert.Single(RemittanceImport.Read(byId).Errors, e => e.Path == "outcome").Message);
    }
}
