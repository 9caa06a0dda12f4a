using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using NodaTime;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>
/// An eligibility inquiry and the engine's answer to it (<see cref="EligibilityCheck.Check"/> on the coverage on file)
/// as FHIR: a Bundle of a CoverageEligibilityRequest (the inquiry: its patient, provider, payer, coverage, service types
/// and date of service) and a CoverageEligibilityResponse (in force or not, the benefits the coverage holds with what is
/// used of them, and the services that need an authorisation not on file). docs/fhir.md has the table. Thread safe (no state).
/// </summary>
public static class EligibilityBundle
{
    /// <summary>The X12 service type code system (EQ01, EB03).</summary>
    internal const string ServiceTypeSystem = "https://x12.org/codes/service-type-codes";
    private const string BenefitType = "http://terminology.hl7.org/CodeSystem/benefit-type";

    /// <summary>The request and the engine's answer as one bundle (type collection).</summary>
    /// <param name="id">The inquiry's id (both resources' identifier, <c>urn:medcoord:eligibility</c>).</param>
    /// <param name="inquiry">The inquiry.</param>
    /// <param name="answer">The engine's answer for the inquiry's date of service and services; null for the request alone.</param>
    /// <param name="at">When the inquiry was made (the resources' created and the bundle's timestamp).</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    public static R4.Bundle Export(string id, EligibilityInquiry inquiry, Eligibility? answer, Instant at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(inquiry);
        var bundle = new BundleBuilder();
        var billing = new BillingMapping(bundle, at, new HashSet<string>(StringComparer.Ordinal));
        var patient = bundle.Add(BillingMapping.Patient(inquiry.Patient.Id, inquiry.Patient), inquiry.Patient.Id);
        var coverage = inquiry.Coverage;
        var coverageRef = billing.CoverageOf("coverage/" + coverage.Id, coverage.Id, coverage.PayerId, coverage.PayerName, coverage.PlanId, coverage.MemberId, coverage.Subscriber, coverage.Relationship,
            coverage.EffectiveFrom, coverage.EffectiveTo, inquiry.Patient.Id, coverage.ClaimFilingIndicator, coverage.Benefits);
        var payer = billing.Payer(coverage.PayerId, coverage.PayerName);
        var provider = billing.Provider(inquiry.Provider);
        var request = bundle.Add(
            new R4.CoverageEligibilityRequest
            {
                Identifier = [Fhir.Id("eligibility", id)],
                Status = R4.FinancialResourceStatusCodes.Active,
                Purpose = [R4.CoverageEligibilityRequest.EligibilityRequestPurpose.Validation, R4.CoverageEligibilityRequest.EligibilityRequestPurpose.Benefits],
                Patient = patient,
                Serviced = Fhir.DateOf(inquiry.DateOfService),
                Created = Fhir.DateTime(at),
                Provider = provider,
                Insurer = payer,
                Insurance = [new R4.CoverageEligibilityRequest.InsuranceComponent { Focal = true, Coverage = coverageRef }],
                Item = [.. inquiry.ServiceTypes.Select(t => new R4.CoverageEligibilityRequest.DetailsComponent { Category = Fhir.Concept(ServiceTypeSystem, t, null, null) })],
            },
            id);
        if (answer is null)
        {
            return bundle.Build(at);
        }

        var benefits = coverage.Benefits;
        var items = new List<R4.CoverageEligibilityResponse.ItemsComponent>();
        foreach (var type in inquiry.ServiceTypes)
        {
            items.Add(new R4.CoverageEligibilityResponse.ItemsComponent
            {
                Category = Fhir.Concept(ServiceTypeSystem, type, null, null),
                Network = Fhir.Concept("http://terminology.hl7.org/CodeSystem/benefit-network", "in", "In Network", null),
                Unit = Fhir.Concept("http://terminology.hl7.org/CodeSystem/benefit-unit", "individual", "Individual", null),
                Term = Fhir.Concept("http://terminology.hl7.org/CodeSystem/benefit-term", "annual", "Annual", null),
                Benefit =
                [
                    new() { Type = Fhir.Concept(BenefitType, "deductible", "Deductible", null), Allowed = Fhir.Money(benefits.Deductible.Amount), Used = Fhir.Money(benefits.Deductible.Met) },
                    new() { Type = Fhir.Concept("benefit-type", "out-of-pocket-maximum", "out-of-pocket maximum"), Allowed = Fhir.Money(benefits.OutOfPocketMaximum.Amount), Used = Fhir.Money(benefits.OutOfPocketMaximum.Met) },
                    new() { Type = Fhir.Concept("benefit-type", "coinsurance-percent", "coinsurance percent"), Allowed = new R4.UnsignedInt((int)Math.Round(benefits.CoinsurancePercent)) },
                    .. benefits.Copays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new R4.CoverageEligibilityResponse.BenefitComponent
                    {
                        Type = new R4.CodeableConcept { Coding = [new R4.Coding(BenefitType, "copay", "Copayment per service"), Fhir.Code("service-category", c.Key)], Text = c.Key },
                        Allowed = Fhir.Money(c.Value),
                    }),
                ],
            });
        }

        items.AddRange(answer.Unauthorized.Select(code => new R4.CoverageEligibilityResponse.ItemsComponent
        {
            ProductOrService = Fhir.Concept(Codes.SystemOf(code) == CodeSystem.Hcpcs ? Fhir.Hcpcs : Fhir.Cpt, code, null, null),
            AuthorizationRequired = true,
        }));
        bundle.Add(
            new R4.CoverageEligibilityResponse
            {
                Identifier = [Fhir.Id("eligibility", id)],
                Status = R4.FinancialResourceStatusCodes.Active,
                Purpose = [R4.CoverageEligibilityResponse.EligibilityResponsePurpose.Validation, R4.CoverageEligibilityResponse.EligibilityResponsePurpose.Benefits],
                Patient = patient,
                Serviced = Fhir.DateOf(inquiry.DateOfService),
                Created = Fhir.DateTime(at),
                Requestor = provider,
                Request = request,
                Outcome = R4.ClaimProcessingCodes.Complete,
                Disposition = answer.Reason,
                Insurer = payer,
                Insurance =
                [
                    new R4.CoverageEligibilityResponse.InsuranceComponent
                    {
                        Coverage = coverageRef,
                        Inforce = answer.Status != EligibilityStatus.Inactive,
                        BenefitPeriod = Fhir.PeriodOf(coverage.EffectiveFrom, coverage.EffectiveTo),
                        Item = items,
                    },
                ],
            },
            id);
        return bundle.Build(at);
    }
}
