// The names the engine's lifecycles had before they shared one Lifecycle<TStatus>: the engine-service tests still
// use them. Each is the shared type under its old name, so those tests check the same types the engine uses.
global using ClaimTransition = MedCoord.Engine.StatusChange<MedCoord.Engine.Billing.ClaimStatus>;
global using ReferralTransition = MedCoord.Engine.StatusChange<MedCoord.Engine.Referrals.ReferralStatus>;
global using ReferralTransitionException = MedCoord.Engine.TransitionException;
global using VisitTransition = MedCoord.Engine.StatusChange<MedCoord.Engine.Visits.VisitStatus>;
global using VisitTransitionException = MedCoord.Engine.TransitionException;
