using MedCoord.Engine.Billing;
using NodaTime;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>
/// Claims into the bundle: the Claim, its Coverage (and the earlier payers' coverages), the payers and providers, the
/// subscriber when not the patient, and an ExplanationOfBenefit per remittance posted to it.
/// </summary>
internal sealed class BillingMapping(BundleBuilder bundle, Instant exportedAt, IReadOnlySet<string> visitIds)
{
    private const string ClaimType = "http://terminology.hl7.org/CodeSystem/claim-type";
    private const string AdjudicationSystem = "http://terminology.hl7.org/CodeSystem/adjudication";

    /// <summary>The person each patient id names on a claim (the first claim in id order that names them).</summary>
    public static IReadOnlyDictionary<string, Person> PeopleOf(IEnumerable<Claim> claims)
    {
        var people = new Dictionary<string, Person>(StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            people.TryAdd(claim.Patient.Id, claim.Patient);
        }

        return people;
    }

    /// <summary>A patient: an identifier, and the claim's name, sex, birth date and address when a claim names them.</summary>
    public static R4.Patient Patient(string id, Person? person)
    {
        var patient = new R4.Patient { Identifier = [new R4.Identifier(Fhir.PatientSystem, id)] };
        if (person is not null)
        {
            Describe(patient, person);
        }

        return patient;
    }

    public void Claim(Claim claim)
    {
        var patient = BundleBuilder.Ref("Patient", claim.Patient.Id);
        var billing = Provider(claim.BillingProvider);
        var rendering = claim.RenderingProvider is { } r ? Provider(r) : null;
        var insurance = new List<R4.Claim.InsuranceComponent>();
        var prior = claim.PriorPayers ?? [];
        for (var i = 0; i < prior.Count; i++)
        {
            var p = prior[i];
            var coverage = CoverageOf("prior/" + BundleBuilder.Key(claim.Id, Fhir.Invariant(i + 1)), $"{claim.Id}/prior/{i + 1}", p.PayerId, p.PayerName, p.PlanId, p.MemberId, p.Subscriber, p.Relationship, null, null, claim.Patient.Id, p.ClaimFilingIndicator, null);
            insurance.Add(new R4.Claim.InsuranceComponent { Sequence = i + 1, Focal = false, Coverage = coverage });
        }

        var current = claim.Coverage;
        var auths = claim.Lines.Select(l => (current.Authorizations ?? []).FirstOrDefault(a => a.ProcedureCode == l.ProcedureCode && a.From <= l.DateOfService && l.DateOfService <= a.To))
            .OfType<Authorization>().Select(a => a.Number).Distinct(StringComparer.Ordinal).ToList();
        insurance.Add(new R4.Claim.InsuranceComponent
        {
            Sequence = prior.Count + 1,
            Focal = true,
            Coverage = CoverageOf("coverage/" + current.Id, current.Id, current.PayerId, current.PayerName, current.PlanId, current.MemberId, current.Subscriber, current.Relationship,
                current.EffectiveFrom, current.EffectiveTo, claim.Patient.Id, current.ClaimFilingIndicator, current.Benefits),
            PreAuthRef = auths,
        });
        var dates = claim.Lines.Select(l => l.DateOfService).ToList();
        var created = claim.CreatedAt ?? (claim.History.Count > 0 ? claim.History[0].At : null);
        var fhirClaim = new R4.Claim
        {
            Identifier = [Fhir.Id("claim", claim.Id)],
            Status = claim.Frequency == ClaimFrequency.Void ? R4.FinancialResourceStatusCodes.Cancelled
                : claim.Status is ClaimStatus.Draft or ClaimStatus.Ready ? R4.FinancialResourceStatusCodes.Draft : R4.FinancialResourceStatusCodes.Active,
            Type = Fhir.Concept(ClaimType, "professional", "Professional", null),
            Use = R4.ClaimUseCode.Claim,
            Patient = patient,
            BillablePeriod = dates.Count > 0 ? Fhir.PeriodOf(dates.Min(), dates.Max()) : null,
            Created = created is { } at ? Fhir.DateTime(at) : dates.Count > 0 ? Fhir.Text(dates.Min()) : Fhir.DateTime(exportedAt),
            Provider = billing,
            Priority = Fhir.Concept("http://terminology.hl7.org/CodeSystem/processpriority", "normal", "Normal", null),
            CareTeam = rendering is null ? [] : [new R4.Claim.CareTeamComponent { Sequence = 1, Provider = rendering, Role = Fhir.Concept("http://terminology.hl7.org/CodeSystem/claimcareteamrole", "primary", "Primary provider", null) }],
            Diagnosis = [.. claim.Diagnoses.Select((d, i) => new R4.Claim.DiagnosisComponent { Sequence = i + 1, Diagnosis = Fhir.Concept(Fhir.Icd10Cm, d, null, null) })],
            Insurance = insurance,
            Item = [.. claim.Lines.Select((l, i) => Item(l, i + 1, rendering is not null, visitIds.Contains(claim.VisitId) ? claim.VisitId : null))],
            Total = Fhir.Money(claim.TotalCharge),
        };
        if (claim.PayerClaimNumber is { } number)
        {
            fhirClaim.Identifier.Add(Fhir.Id("payer-claim-number", number));
            if (claim.Frequency != ClaimFrequency.Original)
            {
                fhirClaim.Related = [new R4.Claim.RelatedClaimComponent { Relationship = Fhir.Concept("http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior", "Prior Claim", null), Reference = Fhir.Id("payer-claim-number", number) }];
            }
        }

        var claimRef = bundle.Add(fhirClaim, claim.Id);
        for (var i = 0; i < claim.Payments.Count; i++)
        {
            Payment(claim, claimRef, billing, claim.Payments[i], i + 1);
        }
    }

    private static R4.Claim.ItemComponent Item(ServiceLine line, int sequence, bool careTeam, string? visitId)
    {
        var system = Codes.SystemOf(line.ProcedureCode) == CodeSystem.Hcpcs ? Fhir.Hcpcs : Fhir.Cpt;
        return new R4.Claim.ItemComponent
        {
            Sequence = sequence,
            CareTeamSequence = careTeam ? [1] : [],
            DiagnosisSequence = [.. line.DiagnosisPointers],
            Category = Fhir.Concept("service-category", line.Category, line.Category),
            ProductOrService = Fhir.Concept(system, line.ProcedureCode, null, null),
            Modifier = [.. line.Modifiers.Select(m => Fhir.Concept(Fhir.Cpt, m, null, null))],
            Serviced = Fhir.DateOf(line.DateOfService),
            Location = Fhir.Concept(Fhir.PlaceOfService, line.PlaceOfService, null, null),
            Quantity = new R4.Quantity { Value = line.Units },
            UnitPrice = line.Units > 0 ? Fhir.Money(decimal.Round(line.Charge / line.Units, 2)) : null,
            Net = Fhir.Money(line.Charge),
            Encounter = visitId is null ? [] : [BundleBuilder.Ref("Encounter", visitId)],
        };
    }

    private void Payment(Claim claim, R4.ResourceReference claimRef, R4.ResourceReference billing, ClaimPayment payment, int number)
    {
        // The claim's payers are in the bundle with their names already; another payer is known by its id alone.
        var insurer = Payer(payment.PayerId, null);
        bundle.Add(
            new R4.ExplanationOfBenefit
            {
                Identifier = [Fhir.Id("remittance-trace", payment.Trace), Fhir.Id("payer-claim-number", payment.PayerClaimNumber)],
                Status = R4.ExplanationOfBenefit.ExplanationOfBenefitStatus.Active,
                Type = Fhir.Concept(ClaimType, "professional", "Professional", null),
                Use = R4.ClaimUseCode.Claim,
                Patient = BundleBuilder.Ref("Patient", claim.Patient.Id),
                Created = payment.PaymentDate is { } paid ? Fhir.Text(paid) : Fhir.DateTime(exportedAt),
                Insurer = insurer,
                Provider = billing,
                Claim = claimRef,
                Outcome = R4.ClaimProcessingCodes.Complete,
                Disposition = $"claim status code {payment.StatusCode}",
                Insurance = [new R4.ExplanationOfBenefit.InsuranceComponent { Focal = true, Coverage = BundleBuilder.Ref("Coverage", "coverage/" + claim.Coverage.Id) }],
                Item = [.. payment.Lines.Select(l => new R4.ExplanationOfBenefit.ItemComponent
                {
                    Sequence = l.Line,
                    ProductOrService = Fhir.Concept(Codes.SystemOf(l.ProcedureCode) == CodeSystem.Hcpcs ? Fhir.Hcpcs : Fhir.Cpt, l.ProcedureCode, null, null),
                    Adjudication = [.. Amounts(l.Charge, l.Allowed, l.Paid, l.PatientResponsibility, l.Adjustments), .. Remarks(l.RemarkCodes)],
                })],
                Adjudication = [.. Adjustments(payment.Adjustments), .. Remarks(payment.RemarkCodes)],
                Total = [.. Amounts(payment.Charge, payment.Allowed, payment.Paid, payment.PatientResponsibility, []).Select(a => new R4.ExplanationOfBenefit.TotalComponent { Category = a.Category, Amount = a.Amount! })],
                Payment = new R4.ExplanationOfBenefit.PaymentComponent
                {
                    Date = payment.PaymentDate is { } d ? Fhir.Text(d) : null,
                    Amount = Fhir.Money(payment.Paid),
                    Identifier = Fhir.Id("remittance-trace", payment.Trace),
                },
            },
            BundleBuilder.Key(claim.Id, Fhir.Invariant(number)));
    }

    private static IEnumerable<R4.ExplanationOfBenefit.AdjudicationComponent> Amounts(decimal charge, decimal allowed, decimal paid, decimal patient, IReadOnlyList<ClaimAdjustment> adjustments) =>
    [
        new() { Category = Fhir.Concept(AdjudicationSystem, "submitted", "Submitted Amount", null), Amount = Fhir.Money(charge) },
        new() { Category = Fhir.Concept(AdjudicationSystem, "eligible", "Eligible Amount", null), Amount = Fhir.Money(allowed) },
        new() { Category = Fhir.Concept(AdjudicationSystem, "benefit", "Benefit Amount", null), Amount = Fhir.Money(paid) },
        new() { Category = Fhir.Concept("adjudication-amount", "patient-responsibility", "patient responsibility"), Amount = Fhir.Money(patient) },
        .. Adjustments(adjustments),
    ];

    private static IEnumerable<R4.ExplanationOfBenefit.AdjudicationComponent> Adjustments(IReadOnlyList<ClaimAdjustment> adjustments) =>
        adjustments.Select(a => new R4.ExplanationOfBenefit.AdjudicationComponent
        {
            Category = Fhir.Concept("claim-adjustment-group", a.Group, a.Group),
            Reason = Fhir.Concept("https://x12.org/codes/claim-adjustment-reason-codes", a.Reason, null, null),
            Amount = Fhir.Money(a.Amount),
        });

    private static IEnumerable<R4.ExplanationOfBenefit.AdjudicationComponent> Remarks(IReadOnlyList<string> remarks) =>
        remarks.Select(r => new R4.ExplanationOfBenefit.AdjudicationComponent
        {
            Category = Fhir.Concept("adjudication-amount", "remark", "remark"),
            Reason = Fhir.Concept("https://x12.org/codes/remittance-advice-remark-codes", r, null, null),
        });

    internal R4.ResourceReference CoverageOf(string key, string coverageId, string payerId, string payerName, string? planId, string memberId, Person subscriber, SubscriberRelationship relationship,
        LocalDate? from, LocalDate? to, string patientId, string filingIndicator, Benefits? benefits)
    {
        if (bundle.Has("Coverage", key))
        {
            return BundleBuilder.Ref("Coverage", key);
        }

        var patient = BundleBuilder.Ref("Patient", patientId);
        R4.ResourceReference subscriberRef;
        if (relationship == SubscriberRelationship.Self && subscriber.Id == patientId)
        {
            subscriberRef = patient;
        }
        else if (bundle.Has("RelatedPerson", BundleBuilder.Key(patientId, subscriber.Id)))
        {
            subscriberRef = BundleBuilder.Ref("RelatedPerson", BundleBuilder.Key(patientId, subscriber.Id));
        }
        else
        {
            var related = new R4.RelatedPerson
            {
                Identifier = [new R4.Identifier(Fhir.PatientSystem, subscriber.Id)],
                Patient = patient,
                Relationship = [Fhir.Concept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", relationship switch
                {
                    SubscriberRelationship.Spouse => "SPS",
                    SubscriberRelationship.Child => "CHILD",
                    SubscriberRelationship.Self => "ONESELF",
                    _ => "FAMMEMB",
                }, null, null)],
            };
            Describe(related, subscriber);
            subscriberRef = bundle.Add(related, BundleBuilder.Key(patientId, subscriber.Id));
        }

        var coverage = new R4.Coverage
        {
            Identifier = [Fhir.Id("coverage", coverageId)],
            Status = R4.FinancialResourceStatusCodes.Active,
            Type = Fhir.Concept("claim-filing-indicator", filingIndicator, filingIndicator),
            Subscriber = subscriberRef,
            SubscriberId = memberId,
            Beneficiary = patient,
            Relationship = Fhir.Concept("http://terminology.hl7.org/CodeSystem/subscriber-relationship", relationship switch
            {
                SubscriberRelationship.Self => "self",
                SubscriberRelationship.Spouse => "spouse",
                SubscriberRelationship.Child => "child",
                _ => "other",
            }, null, null),
            Period = from is null && to is null ? null : Fhir.PeriodOf(from, to),
            Payor = [Payer(payerId, payerName)],
            Class = planId is null ? [] : [new R4.Coverage.ClassComponent { Type = Fhir.Concept("http://terminology.hl7.org/CodeSystem/coverage-class", "group", "Group", null), Value = planId }],
        };
        if (benefits is not null)
        {
            const string copayType = "http://terminology.hl7.org/CodeSystem/coverage-copay-type";
            coverage.CostToBeneficiary =
            [
                .. benefits.Copays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new R4.Coverage.CostToBeneficiaryComponent
                {
                    Type = Fhir.Concept(copayType, "copay", "Copay Amount", c.Key),
                    Value = Fhir.Money(c.Value),
                }),
                new() { Type = Fhir.Concept(copayType, "deductible", "Deductible", null), Value = Fhir.Money(benefits.Deductible.Amount) },
                new() { Type = Fhir.Concept(copayType, "maxoutofpocket", "Maximum out of pocket", null), Value = Fhir.Money(benefits.OutOfPocketMaximum.Amount) },
                new()
                {
                    Type = Fhir.Concept(copayType, "copaypct", "Copay Percentage", "coinsurance"),
                    Value = new R4.Quantity { Value = benefits.CoinsurancePercent, Unit = "%", System = "http://unitsofmeasure.org", Code = "%" },
                },
            ];
        }

        return bundle.Add(coverage, key);
    }

    internal R4.ResourceReference Payer(string payerId, string? name)
    {
        var key = $"payer/{payerId}";
        if (bundle.Get<R4.Organization>("Organization", key) is { } known)
        {
            // A payer first met by its id alone (paying another claim) takes its name from a coverage met later.
            known.Name ??= name;
            return BundleBuilder.Ref("Organization", key);
        }

        return bundle.Add(new R4.Organization { Identifier = [Fhir.Id("payer", payerId)], Name = name, Type = [Fhir.Concept("http://terminology.hl7.org/CodeSystem/organization-type", "pay", "Payer", null)] }, key);
    }

    internal R4.ResourceReference Provider(ClaimProvider provider)
    {
        var type = provider.IsOrganization ? "Organization" : "Practitioner";
        var key = $"npi/{provider.Npi}";
        if (bundle.Has(type, key))
        {
            return BundleBuilder.Ref(type, key);
        }

        var address = provider.Address is { } a ? new List<R4.Address> { AddressOf(a) } : [];
        if (provider.IsOrganization)
        {
            var identifiers = new List<R4.Identifier> { new(Fhir.Npi, provider.Npi) };
            if (provider.TaxId is { } tin)
            {
                identifiers.Add(new R4.Identifier(Fhir.Ein, tin));
            }

            return bundle.Add(new R4.Organization { Identifier = identifiers, Name = provider.Name, Address = address, Type = [Fhir.Concept("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider", null)] }, key);
        }

        var practitioner = new R4.Practitioner { Identifier = [new R4.Identifier(Fhir.Npi, provider.Npi)], Name = [NameOf(provider.Name)], Address = address };
        if (provider.TaxId is { } id)
        {
            practitioner.Identifier.Add(new R4.Identifier(Fhir.Ein, id));
        }

        return bundle.Add(practitioner, key);
    }

    /// <summary>An individual provider's name as the claim holds it: <c>Last, First</c>, or one text.</summary>
    private static R4.HumanName NameOf(string name)
    {
        var parts = name.Split(',', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
            ? new R4.HumanName { Family = parts[0], Given = [parts[1]], Text = name }
            : new R4.HumanName { Text = name };
    }

    private static void Describe(R4.Patient patient, Person person)
    {
        patient.Name = [new R4.HumanName { Family = person.LastName, Given = [person.FirstName] }];
        patient.Gender = Gender(person.Sex);
        patient.BirthDate = Fhir.Text(person.BirthDate);
        patient.Address = [AddressOf(person.Address)];
    }

    private static void Describe(R4.RelatedPerson related, Person person)
    {
        related.Name = [new R4.HumanName { Family = person.LastName, Given = [person.FirstName] }];
        related.Gender = Gender(person.Sex);
        related.BirthDate = Fhir.Text(person.BirthDate);
        related.Address = [AddressOf(person.Address)];
    }

    private static R4.AdministrativeGender Gender(string sex) => sex switch
    {
        "F" => R4.AdministrativeGender.Female,
        "M" => R4.AdministrativeGender.Male,
        _ => R4.AdministrativeGender.Unknown,
    };

    /// <summary>An address as FHIR holds it: <c>line[0]</c> the street, <c>line[1]</c> the second line only when there is one.</summary>
    private static R4.Address AddressOf(Address address) =>
        new() { Line = address.Line2 is { } second ? [address.Line1, second] : [address.Line1], City = address.City, State = address.State, PostalCode = address.PostalCode };
}
