using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>835 reading rule by rule on small hand-written transaction sets (the body starts at segment 4), each error compared whole.</summary>
public sealed class RemittanceRuleTests
{
    private static X12Interchange Wrap(params string[] body) => X12Files.Wrap("HP", "835", body);

    private static List<string> Errors(params string[] body) => [.. RemittanceReader.Read(Wrap(body)).Errors.Select(e => e.ToString())];

    [Fact]
    public void Read_EveryPartOfAClaimPayment_IsRead()
    {
        var (remittances, errors) = RemittanceReader.Read(Wrap(
            "BPR*I*80*C*CHK************20261215",
            "TRN*1*CHK-77*1999999999",
            "LX*1",
            "CLP*C1*2*150*80**12*PCN-1",
            "CAS*OA*23*10",
            "MOA***MA01*MA02**MA03*MA04*MA05",
            "AMT*AU*140",
            "SVC*HC:99213:25:59:GT:95:XX*100*60**1*HC:99212",
            "DTM*150*20261116",
            "CAS*CO*45*10*1*253*5",
            "CAS*PR*1*25",
            "AMT*AU*1",
            "AMT*B6*85",
            "LQ*HE*N130",
            "LQ*RX*IGNORED",
            "SVC*HC:81002*50*30",
            "DTM*036*20261231",
            "CAS*PR*2*20"));

        Assert.Empty(errors);
        var remittance = Assert.Single(remittances);
        Assert.Equal((4, "CHK-77", "1999999999", "I", 80m, "C", "CHK", (LocalDate?)new LocalDate(2026, 12, 15)),
            (remittance.Position, remittance.Trace, remittance.PayerId, remittance.HandlingCode, remittance.TotalPaid, remittance.CreditDebit, remittance.PaymentMethod, remittance.PaymentDate));
        var claim = Assert.Single(remittance.Claims);
        Assert.Equal((7, "C1", "2", 150m, 80m, 45m, "PCN-1", (decimal?)140m), (claim.Position, claim.ClaimId, claim.StatusCode, claim.Charge, claim.Paid, claim.PatientResponsibility, claim.PayerClaimNumber, claim.CoverageAmount));
        Assert.Equal([new ClaimAdjustment("OA", "23", 10m)], claim.Adjustments);
        Assert.Equal(["MA01", "MA02", "MA03", "MA04"], claim.RemarkCodes);
        Assert.Equal(2, claim.Lines.Count);
        var (first, second) = (claim.Lines[0], claim.Lines[1]);
        Assert.Equal((11, "99213", "99212", 100m, 60m, (LocalDate?)new LocalDate(2026, 11, 16), (decimal?)85m), (first.Position, first.ProcedureCode, first.SubmittedProcedureCode, first.Charge, first.Paid, first.DateOfService, first.Allowed));
        Assert.Equal(["25", "59", "GT", "95"], first.Modifiers);
        Assert.Equal([new ClaimAdjustment("CO", "45", 10m), new ClaimAdjustment("CO", "253", 5m), new ClaimAdjustment("PR", "1", 25m)], first.Adjustments);
        Assert.Equal(["N130"], first.RemarkCodes);
        Assert.Equal((null, null, null), (second.SubmittedProcedureCode, second.DateOfService, second.Allowed));
        Assert.Empty(second.Modifiers);
        Assert.Empty(second.RemarkCodes);
    }

    [Fact]
    public void Read_PatientResponsibilityGiven_IsClp05()
    {
        var (remittances, errors) = RemittanceReader.Read(Wrap("BPR*C*80*C*ACH", "TRN*1*T*P", "CLP*C1*1*100*80*7", "CAS*PR*1*20"));

        Assert.Empty(errors);
        Assert.Equal(7m, remittances.Single().Claims.Single().PatientResponsibility);
        Assert.Null(remittances.Single().PaymentDate);
    }

    [Theory]
    [InlineData("", "segment 3 (ST): an 835 starts with BPR (the payment) and TRN (its trace number)")]
    [InlineData("BPR*C*0*C*NON", "segment 4 (BPR): an 835 starts with BPR (the payment) and TRN (its trace number)")]
    [InlineData("TRN*1*T*P|BPR*C*0*C*NON", "segment 4 (TRN): an 835 starts with BPR (the payment) and TRN (its trace number)")]
    [InlineData("BPR*C*0*C*NON|CLP*C1*1*0*0", "segment 4 (BPR): an 835 starts with BPR (the payment) and TRN (its trace number)")]
    [InlineData("BPR*C**C*NON|TRN*1", "segment 4 (BPR): BPR02 is required|segment 5 (TRN): TRN02 is required|segment 5 (TRN): TRN03 is required")]
    [InlineData("BPR*C*0*C*NON************2026121|TRN*1*T*P", "segment 4 (BPR): BPR16 is not a CCYYMMDD date")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|SVC*HC:99213*10*10", "segment 6 (SVC): is outside a claim payment (CLP) loop")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CO*45*10|LX*2|CAS*CO*45*1", "segment 9 (CAS): is outside a claim payment (CLP) loop")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CO*45*10|LX*2|TS3*1|SVC*HC:99213*10*10", "segment 10 (SVC): is outside a claim payment (CLP) loop")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CO*45*10|TS3*1", "segment 8 (TS3): the provider summaries (TS3, TS2) come right after their LX, before its claims")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|TS2*1", "segment 6 (TS2): the provider summaries (TS3, TS2) come right after their LX, before its claims")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|ZZZ*1", "segment 6 (ZZZ): is not a segment of an 835 (005010X221A1)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|LX*1|BHT*0019", "segment 7 (BHT): is not a segment of an 835 (005010X221A1)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|TRN*1*T2*P", "segment 6 (TRN): an 835 has one BPR and one TRN, at its start")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|LX*1|BPR*C*0*C*NON", "segment 7 (BPR): an 835 has one BPR and one TRN, at its start")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|LX*1|CUR*PR*USD", "segment 8 (CUR): the currency (CUR) comes right after BPR and TRN")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CUR*PR*USD|CUR*PR*USD", "segment 7 (CUR): the currency (CUR) comes right after BPR and TRN")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|LX*1|N1*PE*Q", "segment 8 (N1): the payee loop (N1*PE) comes once, after the payer loop and before the claims (LX, CLP)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PE*Q|N1*PR*P", "segment 7 (N1): the payer loop (N1*PR) comes once, right after the header")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|N1*PR*P", "segment 7 (N1): the payer loop (N1*PR) comes once, right after the header")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|N1*PE*Q|N1*PE*Q", "segment 8 (N1): the payee loop (N1*PE) comes once, after the payer loop and before the claims (LX, CLP)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*QC*P", "segment 6 (N1): N101 must be PR (the payer) or PE (the payee)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|DTM*405*20261215|CUR*PR*USD", "segment 7 (CUR): the currency (CUR) comes right after BPR and TRN")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|DTM*405*20261215|REF*EV*R", "segment 7 (REF): the header's references (REF) come before its date (DTM)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|N4*X*CO*80202|DTM*405*20261215", "segment 8 (DTM): belongs to the header (before the payer loop), a claim payment or a service line")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|LX*1|REF*ZZ*X", "segment 8 (REF): belongs to the header, the payer or payee loop, a claim payment or a service line")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|LX*1|DTM*405*20261215", "segment 8 (DTM): belongs to the header (before the payer loop), a claim payment or a service line")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|N1*PE*Q|PER*BL*X", "segment 8 (PER): belongs to the payer loop (N1*PR) or to a claim payment (CLP) before its first SVC")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PR*P|RDM*EM", "segment 7 (RDM): belongs to the payee loop (N1*PE)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*0*0|N3*X", "segment 7 (N3): belongs to the payer loop (N1*PR) or the payee loop (N1*PE), which come after the header and before the claims (LX, CLP)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N4*X*CO*80202", "segment 6 (N4): belongs to the payer loop (N1*PR) or the payee loop (N1*PE), which come after the header and before the claims (LX, CLP)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|N1*PE*Q|LX*1|RDM*EM", "segment 8 (RDM): belongs to the payee loop (N1*PE)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|PER*BL*X", "segment 6 (PER): belongs to the payer loop (N1*PR) or to a claim payment (CLP) before its first SVC")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*0*0|SVC*HC:99213*0*0|PER*CX*X", "segment 8 (PER): belongs to the payer loop (N1*PR) or to a claim payment (CLP) before its first SVC")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*0*0|SVC*HC:99213*0*0|MOA***MA130", "segment 8 (MOA): belongs to a claim payment (CLP), before its first service line (SVC)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*0*0|SVC*HC:99213*0*0|MIA*0", "segment 8 (MIA): belongs to a claim payment (CLP), before its first service line (SVC)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|LX*1|NM1*QC*1", "segment 7 (NM1): belongs to a claim payment (CLP), before its first service line (SVC)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*0*0|LQ*HE*N620", "segment 7 (LQ): belongs to a service line (SVC)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|LX*1|AMT*AU*1", "segment 7 (AMT): belongs to a claim payment (CLP) or a service line (SVC)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|QTY*CA*1", "segment 6 (QTY): belongs to a claim payment (CLP) or a service line (SVC)")]
    [InlineData("BPR*C*1*D*NON|TRN*1*T*P|PLB*P1**WO*1|CLP*C1*1*0*0", "segment 7 (CLP): only PLB follows the provider-level adjustments (PLB), up to SE")]
    [InlineData("BPR*C*1*D*NON|TRN*1*T*P|PLB*P1**WO*1|LX*2", "segment 7 (LX): only PLB follows the provider-level adjustments (PLB), up to SE")]
    [InlineData("BPR*C*1*D*NON|TRN*1*T*P|PLB*P1**WO*1|DTM*405*20261231", "segment 7 (DTM): only PLB follows the provider-level adjustments (PLB), up to SE")]
    [InlineData("BPR*C*1*D*NON|TRN*1*T*P|PLB*P1**WO*1|REF*EV*X", "segment 7 (REF): only PLB follows the provider-level adjustments (PLB), up to SE")]
    [InlineData("BPR*C*1*D*NON|TRN*1*T*P|PLB*P1**WO*1|N1*PR*P", "segment 7 (N1): the payer loop (N1*PR) comes once, right after the header")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*79228162514264337593543950335*79228162514264337593543950335|CLP*C2*1*1*1", "segment 6 (CLP): CLP03 has more than 18 digits|segment 6 (CLP): CLP04 has more than 18 digits")]
    [InlineData("BPR*C*-5*D*NON|TRN*1*T*P", "segment 4 (BPR): BPR02 is negative; an amount the provider owes is sent as a positive BPR02 with BPR03 D (debit)")]
    [InlineData("BPR*C*-5*C*NON|TRN*1*T*P|PLB*P1**WO*5", "segment 4 (BPR): BPR02 is negative; an amount the provider owes is sent as a positive BPR02 with BPR03 D (debit)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|SVC*HC:99213*10*0**1*HC|CAS*CO*45*10", "segment 7 (SVC): SVC06 (the procedure as submitted) needs a qualifier and a procedure code (for example HC:99213)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CO", "segment 7 (CAS): CAS02 (the first adjustment reason code) is required")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CO*45", "segment 7 (CAS): CAS03 is required")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CO*45*ten", "segment 7 (CAS): CAS03 is not a number")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CO*45*5***5", "segment 7 (CAS): CAS05 (the adjustment reason code) is required with its amount CAS06")]
    [InlineData("BPR*C*3*C*ACH|TRN*1*T*P|CLP*C1*1*10*3|CAS*CO*1*1**2*1**3*1**4*1**5*1**6*1**7*1", "segment 7 (CAS): CAS has at most 19 elements (six adjustments), found 21")]
    [InlineData("BPR*C*10.005*C*ACH|TRN*1*T*P|CLP*C1*1*10.005*10.005", "segment 4 (BPR): BPR02 is a fraction of a cent; amounts have at most two decimal places|segment 6 (CLP): CLP03 is a fraction of a cent; amounts have at most two decimal places|segment 6 (CLP): CLP04 is a fraction of a cent; amounts have at most two decimal places")]
    [InlineData("BPR*C*10.50*C*ACH|TRN*1*T*P|CLP*C1*1*10.500*10.5|CAS*CO*45*0.001", "segment 7 (CAS): CAS03 is a fraction of a cent; amounts have at most two decimal places")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|CAS*CR*45*10", "segment 7 (CAS): CAS01 must be a claim adjustment group code: CO, OA, PI or PR")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP**9*x*y*z", "segment 6 (CLP): CLP01 is required|segment 6 (CLP): CLP02 must be a claim status code: 1, 2, 3, 4, 19, 20, 21, 22, 23, 25|segment 6 (CLP): CLP03 is not a number|segment 6 (CLP): CLP04 is not a number|segment 6 (CLP): CLP05 is not a number")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|SVC*HC*10*0|CAS*CO*45*10", "segment 7 (SVC): SVC01 needs a qualifier and a procedure code (for example HC:99213)")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|SVC*HC:99213*10*0|DTM*472*20261131|CAS*CO*45*10", "segment 8 (DTM): DTM02 is not a CCYYMMDD date")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|SVC*HC:99213*10*0|LQ*HE|CAS*CO*45*10", "segment 8 (LQ): LQ02 is required")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|AMT*AU|CAS*CO*45*10", "segment 7 (AMT): AMT02 is required")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|SVC*HC:99213*10*0|AMT*B6*x|CAS*CO*45*10", "segment 8 (AMT): AMT02 is not a number")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|CLP*C1*1*10*0|SVC*HC:99213*10*0|CAS*CO*45*9", "segment 7 (SVC): the line does not balance: SVC02 10.00 less its adjustments 9.00 is 1.00, but SVC03 pays 0.00|segment 6 (CLP): the claim does not balance: CLP03 10.00 less its adjustments 9.00 is 1.00, but CLP04 pays 0.00")]
    [InlineData("BPR*C*5*C*ACH|TRN*1*T*P|CLP*C1*1*10*10|PLB*P1*20261231*WO*2", "segment 4 (BPR): the file does not balance: BPR02 is 5.00, but the claims pay 10.00 and the provider adjustments (PLB) take 2.00, which makes 8.00")]
    [InlineData("BPR*C*10*D*ACH|TRN*1*T*P|CLP*C1*22*10*10", "segment 4 (BPR): the file does not balance: BPR02 is 10.00 (a debit), but the claims pay 10.00 and the provider adjustments (PLB) take 0.00, which makes 10.00")]
    [InlineData("BPR*C*0*C*NON|TRN*1*T*P|PLB", "segment 6 (PLB): PLB01 is required|segment 6 (PLB): PLB03 (the first adjustment) is required")]
    [InlineData("BPR*C*5*D*NON|TRN*1*T*P|PLB*P1*2026123*WO", "segment 6 (PLB): PLB02 is not a CCYYMMDD date|segment 6 (PLB): PLB04 is required")]
    [InlineData("BPR*C*5*D*NON|TRN*1*T*P|PLB*P1**WO*1**4", "segment 6 (PLB): PLB05 is required")]
    public void Read_RuleBroken_NamesTheSegment(string body, string expected) =>
        Assert.Equal(expected.Split('|'), Errors(body.Length == 0 ? [] : body.Split('|')));

    [Fact]
    public void Read_EverySegmentOfTheGuideInItsPlace_IsRead()
    {
        var (remittances, errors) = RemittanceReader.Read(Wrap(
            "BPR*I*85*C*ACH*CCP*01*999999992*DA*123456*1841234567**01*999988880*DA*98765*20261215", "TRN*1*T*P", "CUR*PR*USD", "REF*EV*R1", "REF*F2*V1", "DTM*405*20261215",
            "N1*PR*PAYER", "N3*PO BOX 1", "N4*DENVER*CO*80202", "REF*2U*P1", "PER*CX*CLAIMS", "PER*BL*TECH", "PER*IC**UR*WWW.EXAMPLE.COM",
            "N1*PE*CLINIC*XX*1234567893", "N3*1 MAIN ST", "N4*DENVER*CO*80202", "REF*TJ*841234567", "RDM*EM*X",
            "LX*1", "TS3*1234567893*11*20261231*1*100", "TS2*0",
            "CLP*C1*1*100*85*0*12*PCN1", "CAS*OA*23*5", "NM1*QC*1*X*Y", "NM1*82*1*Z*W****XX*1234567893", "MIA*0", "MOA***MA01", "REF*1L*G1", "DTM*232*20261116", "PER*CX*X", "AMT*AU*95", "QTY*CA*1",
            "SVC*HC:99213*100*90**1", "DTM*472*20261116", "CAS*CO*45*10", "REF*6R*1", "AMT*B6*95", "QTY*ZK*1", "LQ*HE*N620",
            "LX*2",
            "PLB*1234567893*20261231*L6*0", "PLB*1234567893*20261231*WO*0"));

        Assert.Empty(errors);
        var claim = Assert.Single(Assert.Single(remittances).Claims);
        Assert.Equal(["MA01"], claim.RemarkCodes);
        Assert.Equal(95m, claim.CoverageAmount);
        Assert.Equal(["N620"], Assert.Single(claim.Lines).RemarkCodes);
    }

    [Fact]
    public void Read_EighteenDigitAmounts_AreRead() =>
        Assert.Empty(Errors("BPR*C*1234567890123456.78*C*ACH", "TRN*1*T*P", "CLP*C1*1*1234567890123456.78*1234567890123456.78"));

    [Fact]
    public void Read_ProviderAdjustments_EachPairAndTheBalance()
    {
        var (remittances, errors) = RemittanceReader.Read(Wrap("BPR*C*85*C*ACH", "TRN*1*T*P", "CLP*C1*1*100*100", "PLB*P1*20261231*WO:PREV1*20*L6*-5"));

        Assert.Empty(errors);
        Assert.Equal([new ProviderAdjustment(7, "P1", "WO", "PREV1", 20m), new ProviderAdjustment(7, "P1", "L6", string.Empty, -5m)], remittances.Single().ProviderAdjustments);
    }

    [Fact]
    public void Read_Debit_BalancesAgainstMinusBpr02()
    {
        var (remittances, errors) = RemittanceReader.Read(Wrap("BPR*H*10*D*NON", "TRN*1*T*P", "CLP*C1*22*-10*-10"));

        Assert.Empty(errors);
        Assert.Equal(("D", -10m), (remittances.Single().CreditDebit, remittances.Single().Claims.Single().Paid));
    }
}
