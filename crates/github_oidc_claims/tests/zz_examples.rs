//! temp
use github_oidc_claims::evaluate::EvaluateRequest;
use serde_json::json;

#[test]
fn examples() {
    let reqs = vec![
        json!({"provider":"aws","policy":{"Role":{"RoleName":"deploy","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Sid":"GitHub","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:octo/api:ref:refs/heads/main"}}}]}}},
          "jobs":[{"subject":"repo:octo/api:ref:refs/heads/main"},{"subject":"repo:octo@11/api@22:ref:refs/heads/main"}]}),
        json!({"provider":"azure","policy":[{"name":"main","issuer":"https://token.actions.githubusercontent.com","subject":"repo:octo/api:environment:prod","audiences":["api://AzureADTokenExchange"]}],
          "jobs":[{"subject":"repo:octo/api:environment:prod","issuer":"https://token.actions.githubusercontent.com/octocat-inc"}]}),
        json!({"provider":"gcp","policy":{"name":"projects/123/locations/global/workloadIdentityPools/gh/providers/gh","attributeMapping":{"google.subject":"assertion.sub","attribute.repository":"assertion.repository"},"attributeCondition":"assertion.repository_owner == 'octo' && assertion.job_workflow_ref.startsWith('octo/wf/')","oidc":{"issuerUri":"https://token.actions.githubusercontent.com"}},
          "jobs":[{"subject":"repo:octo/api:ref:refs/heads/main"},{"subject":"repo:octo/api:ref:refs/heads/main","claims":{"job_workflow_ref":"octo/wf/.github/workflows/d.yml@refs/heads/main"}}]}),
        json!({"provider":"vault","policy":{"data":{"role_type":"jwt","user_claim":"sub","bound_audiences":["https://github.com/octo"],"bound_claims_type":"glob","bound_claims":{"sub":"repo:octo/*"}}},
          "jobs":[{"subject":"repo:octo/api:pull_request"},{"subject":"repo:octo@11/api@22:pull_request"}]}),
        json!({"provider":"pypi","policy":{"repository_owner":"octo","repository_name":"api","repository_owner_id":"11","workflow_filename":"release.yml","environment":"pypi"},
          "jobs":[{"subject":"repo:octo@11/api@22:environment:pypi","claims":{"job_workflow_ref":"octo/api/.github/workflows/release.yml@refs/tags/v1"}}]}),
        json!({"provider":"npm","policy":{"repository":"octo/api","file":"publish.yml"},
          "jobs":[{"subject":"repo:octo/api:ref:refs/heads/main","issuer":"https://token.actions.githubusercontent.com/octocat-inc","claims":{"workflow_ref":"octo/api/.github/workflows/publish.yml@refs/heads/main"}}]}),
    ];
    for r in reqs {
        let req: EvaluateRequest = serde_json::from_value(r.clone()).unwrap();
        println!(
            "=== INPUT\n{}\n=== OUTPUT\n{}",
            serde_json::to_string(&r).unwrap(),
            serde_json::to_string_pretty(&req.run().unwrap()).unwrap()
        );
    }
}
