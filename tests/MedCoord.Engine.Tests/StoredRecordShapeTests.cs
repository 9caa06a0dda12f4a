using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests;

/// <summary>
/// Records as the store kept them before the lifecycles shared one history type (each written then by the store's own
/// serializer): they still read, and written again they are the same JSON, history included.
/// </summary>
public sealed class StoredRecordShapeTests
{
    private const string Visit = """
        {"Id":"visit-1","PatientId":"pat-1","AppointmentTypeId":"follow-up","Start":"2026-12-08T15:00:00Z","Status":"Cancelled","History":[{"From":"Booked","To":"Arrived","Actor":"desk-1","At":"2026-12-08T16:00:00Z"},{"From":"Arrived","To":"Cancelled","Actor":"desk-2","At":"2026-12-08T16:05:00Z"}],"RequestId":"req-1"}
        """;

    private const string Referral = """
        {"Id":"ref-1","PatientId":"pat-1","FromProviderId":"dr-a","Target":"cardiology","Priority":"Urgent","CreatedAt":"2026-12-08T16:05:00Z","Status":"Accepted","SentAt":"2026-12-08T16:05:00Z","History":[{"From":"Draft","To":"Sent","Actor":"dr-a","At":"2026-12-08T16:05:00Z","Reason":"faxed"},{"From":"Sent","To":"Accepted","Actor":"clinic","At":"2026-12-08T19:05:00Z","Reason":"accepted"}]}
        """;

    private const string Claim = """
        {"Id":"CLM-2026-0001","VisitId":"plan-a/consult/1","Patient":{"Id":"pat-a","LastName":"Rivera","FirstName":"Ana","BirthDate":"1968-04-12","Sex":"F","Address":{"Line1":"120 Elm St","City":"Denver","State":"CO","PostalCode":"80202"}},"Coverage":{"Id":"cov-a","PayerId":"ACMEHLTH","PayerName":"Acme Health Plan","PlanId":"GRP-5501","MemberId":"ACM123456789","Subscriber":{"Id":"pat-a","LastName":"Rivera","FirstName":"Ana","BirthDate":"1968-04-12","Sex":"F","Address":{"Line1":"120 Elm St","City":"Denver","State":"CO","PostalCode":"80202"}},"Relationship":"Self","EffectiveFrom":"2026-01-01","EffectiveTo":null,"Benefits":{"Copays":{"office-visit":30.00,"specialist":50.00},"Deductible":{"Amount":1000.00,"Met":800.00},"CoinsurancePercent":20,"OutOfPocketMaximum":{"Amount":4000.00,"Met":1200.00},"PriorAuthorization":["93306"],"CopayCountsTowardDeductible":false,"CopayCountsTowardOutOfPocket":true},"Authorizations":[],"ClaimFilingIndicator":"CI","MedicareSecondaryType":null},"BillingProvider":{"Npi":"1234567893","Name":"Riverside Family Clinic","IsOrganization":true,"TaxId":"841234567","Address":{"Line1":"400 River Rd","City":"Denver","State":"CO","PostalCode":"802021234"}},"RenderingProvider":{"Npi":"1245319599","Name":"Lopez, Maria","IsOrganization":false,"TaxId":null,"Address":null},"Diagnoses":["E11.9","I10","E78.5"],"Lines":[{"ProcedureCode":"99214","Modifiers":["25"],"Units":1,"Charge":185.00,"DiagnosisPointers":[1,2],"PlaceOfService":"11","DateOfService":"2026-11-16","Category":"office-visit"},{"ProcedureCode":"83036","Modifiers":[],"Units":1,"Charge":45.00,"DiagnosisPointers":[1],"PlaceOfService":"11","DateOfService":"2026-11-16","Category":"lab"},{"ProcedureCode":"3044F","Modifiers":[],"Units":1,"Charge":0.01,"DiagnosisPointers":[1],"PlaceOfService":"11","DateOfService":"2026-11-16","Category":"lab"}],"Status":"Submitted","History":[{"From":"Draft","To":"Ready","Actor":"biller-1","At":"2026-12-08T19:05:00Z","Reason":"checked"},{"From":"Ready","To":"Submitted","Actor":"biller-1","At":"2026-12-08T20:05:00Z","Reason":"sent"}],"CreatedAt":"2026-12-08T19:05:00Z","Frequency":"Original","PayerClaimNumber":null,"PriorPayers":null,"Payments":[]}
        """;

    private const string CarePlan = """
        {"Id":"plan-1","PatientId":"pat-1","Status":"Active","Goals":[{"Id":"g1","Description":"goal","Status":"Active"}],"Activities":[{"Id":"eye-exam","Kind":"OneOff","AppointmentTypeId":"eye","Priority":5,"NotBefore":null,"DueBy":"2027-03-01","Every":null,"ToleranceDays":0,"FirstDue":null,"After":null,"Status":"OnHold","CompletedCount":0,"LastDoneOn":null,"BookedRequestId":null,"Links":[]},{"Id":"hba1c","Kind":"Recurring","AppointmentTypeId":"lab","Priority":3,"NotBefore":null,"DueBy":null,"Every":"P3M","ToleranceDays":14,"FirstDue":"2027-01-10","After":null,"Status":"Scheduled","CompletedCount":0,"LastDoneOn":null,"BookedRequestId":"plan-1/hba1c/1","Links":[]}],"History":[{"At":"2026-12-08T20:05:00Z","Actor":"coord-1","ActivityId":null,"Action":"Plan.Created"},{"At":"2026-12-08T20:05:00Z","Actor":"coord-1","ActivityId":null,"Action":"Plan.Active"},{"At":"2026-12-08T21:05:00Z","Actor":"scheduler","ActivityId":"hba1c","Action":"Activity.Scheduled"},{"At":"2026-12-08T21:05:00Z","Actor":"coord-2","ActivityId":"eye-exam","Action":"Activity.OnHold"}]}
        """;

    private static readonly Instant T = Instant.FromUtc(2026, 12, 8, 16, 0);

    [Fact]
    public void Visit_StoredBefore_ReadsWithItsHistoryAndWritesTheSameJson()
    {
        var visit = StoreKinds.Deserialize<Visit>(Visit);

        Assert.Equal(VisitStatus.Cancelled, visit.Status);
        Assert.Equal(
        [
            new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", T),
            new StatusChange<VisitStatus>(VisitStatus.Arrived, VisitStatus.Cancelled, "desk-2", T + Duration.FromMinutes(5)),
        ], visit.History);
        Assert.Equal(Visit, System.Text.Json.JsonSerializer.Serialize(visit, StoreKinds.Json));
    }

    [Fact]
    public void Referral_StoredBefore_ReadsWithItsHistoryAndWritesTheSameJson()
    {
        var referral = StoreKinds.Deserialize<Referral>(Referral);

        Assert.Equal(ReferralStatus.Accepted, referral.Status);
        Assert.Equal(
        [
            new StatusChange<ReferralStatus>(ReferralStatus.Draft, ReferralStatus.Sent, "dr-a", T + Duration.FromMinutes(5), "faxed"),
            new StatusChange<ReferralStatus>(ReferralStatus.Sent, ReferralStatus.Accepted, "clinic", T + Duration.FromMinutes(185), "accepted"),
        ], referral.History);
        Assert.Equal(Referral, System.Text.Json.JsonSerializer.Serialize(referral, StoreKinds.Json));
    }

    [Fact]
    public void Claim_StoredBefore_ReadsWithItsHistoryAndWritesTheSameJson()
    {
        var claim = StoreKinds.Deserialize<Claim>(Claim);

        Assert.Equal(ClaimStatus.Submitted, claim.Status);
        Assert.Equal(
        [
            new StatusChange<ClaimStatus>(ClaimStatus.Draft, ClaimStatus.Ready, "biller-1", T + Duration.FromMinutes(185), "checked"),
            new StatusChange<ClaimStatus>(ClaimStatus.Ready, ClaimStatus.Submitted, "biller-1", T + Duration.FromMinutes(245), "sent"),
        ], claim.History);
        Assert.Equal(Claim, System.Text.Json.JsonSerializer.Serialize(claim, StoreKinds.Json));
    }

    /// <summary>A second address line is stored as <c>Line2</c> and read back; without one nothing is written (the test above).</summary>
    [Fact]
    public void Claim_WithASecondAddressLine_StoresItAndReadsItBack()
    {
        var stored = StoreKinds.Deserialize<Claim>(Claim);
        var claim = stored with { Patient = stored.Patient with { Address = stored.Patient.Address with { Line2 = "Apt 4" } } };

        var json = System.Text.Json.JsonSerializer.Serialize(claim, StoreKinds.Json);

        Assert.Contains("\"Address\":{\"Line1\":\"120 Elm St\",\"City\":\"Denver\",\"State\":\"CO\",\"PostalCode\":\"80202\",\"Line2\":\"Apt 4\"}", json, StringComparison.Ordinal);
        Assert.Equal("Apt 4", StoreKinds.Deserialize<Claim>(json).Patient.Address.Line2);
        Assert.Null(StoreKinds.Deserialize<Claim>(json).Coverage.Subscriber.Address.Line2);
    }

    [Fact]
    public void CarePlan_StoredBefore_ReadsWithItsActivitiesAndHistoryAndWritesTheSameJson()
    {
        var plan = StoreKinds.Deserialize<CarePlan>(CarePlan);

        Assert.Equal(CarePlanStatus.Active, plan.Status);
        Assert.Equal([ActivityStatus.OnHold, ActivityStatus.Scheduled], plan.Activities.Select(a => a.Status));
        Assert.Equal(["Plan.Created", "Plan.Active", "Activity.Scheduled", "Activity.OnHold"], plan.History.Select(h => h.Action));
        Assert.Equal(CarePlan, System.Text.Json.JsonSerializer.Serialize(plan, StoreKinds.Json));
    }

    [Fact]
    public void StatusChange_WithoutReason_IsWrittenWithoutTheField()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new StatusChange<VisitStatus>(VisitStatus.Booked, VisitStatus.NoShow, "system", T), StoreKinds.Json);

        Assert.Equal("""{"From":"Booked","To":"NoShow","Actor":"system","At":"2026-12-08T16:00:00Z"}""", json);
    }
}
