"""Korean messages of the exercise checks: English template -> Korean template, with the same {fields}.

Terms follow i18n/ko/glossary.md. A test fails when a template in the checks has no translation here, when an
entry is no longer used, or when the fields differ.
"""

MESSAGES: dict[str, str] = {
    # core: statuses, lines, the score table, and what common PyTorch errors mean
    "passed": "통과",
    "failed": "실패",
    "not done yet": "아직 안 함",
    "not checked": "확인 안 함",
    "{mark} Exercise {number} ({title}): {message}": "{mark} 실습 {number} ({title}): {message}",
    "{mark} Exercise {number}  {title}  {status}": "{mark} 실습 {number}  {title}  {status}",
    "score: {passed} / {total}": "점수: {passed} / {total}",
    "your code raised {error}": "작성한 코드에서 오류가 났습니다: {error}",
    "your code raised {error} — {hint}": "작성한 코드에서 오류가 났습니다: {error} — {hint}",
    "your code was still running after {seconds:g} s: is there a loop that never ends?":
        "작성한 코드가 {seconds:g}초가 지나도 끝나지 않았습니다. 끝나지 않는 반복문이 있나요?",
    "a tensor you call backward() through has no requires_grad: create W and b with requires_grad=True "
    "(or use nn.Linear, whose parameters have it)":
        "backward()가 지나가는 텐서에 requires_grad가 없습니다. W와 b를 requires_grad=True로 만드세요 "
        "(nn.Linear의 파라미터에는 이미 있습니다)",
    "wrong dtype: two tensors mix float32 and float64 (or an integer type); make everything float32 with .float()":
        "dtype이 맞지 않습니다. float32와 float64(또는 정수형) 텐서가 섞였습니다. .float()로 모두 float32로 맞추세요",
    "wrong dtype: make every tensor float32 with .float()": "dtype이 맞지 않습니다. .float()로 모든 텐서를 float32로 맞추세요",
    "wrong dtype: the targets must be float32 (torch.float), not integers":
        "dtype이 맞지 않습니다. 정답(target)은 정수가 아니라 float32(torch.float)여야 합니다",
    "target shape: the target must have the same shape as y_hat, (4, 1), not (4,)":
        "정답의 shape 문제입니다. 정답은 y_hat과 같은 (4, 1)이어야 하며 (4,)이면 안 됩니다",
    "the layer sizes do not fit: nn.Linear(in_features, out_features) must take 2 inputs and give 1 output at the end":
        "층의 크기가 맞지 않습니다. nn.Linear(in_features, out_features)는 입력 2개를 받아 마지막에 출력 1개를 내야 합니다",
    "call super().__init__() first in __init__, before creating layers":
        "__init__에서 층을 만들기 전에 super().__init__()을 먼저 호출하세요",
    "compute y_hat and the cost again inside the loop, every epoch":
        "y_hat과 cost는 반복문 안에서 매 에폭마다 새로 계산하세요",
    "a value is still the ... placeholder: replace every ... with your code":
        "아직 ... 자리표시자인 값이 있습니다. ...를 모두 직접 작성한 코드로 바꾸세요",
    "the function's arguments differ from the exercise's: keep its signature":
        "함수의 인자가 실습에서 주어진 것과 다릅니다. 함수의 시그니처는 그대로 두세요",
    "{name} must be a number or a tensor, got {kind}": "{name}은(는) 숫자나 텐서여야 하는데 {kind}입니다",
    "{name} must be a function, got {kind}": "{name}은(는) 함수여야 하는데 {kind}입니다",
    "{name} has shape {shape} but must be one number — sum or average over the samples":
        "{name}의 shape이 {shape}인데 숫자 하나여야 합니다 — 샘플들에 대해 더하거나 평균을 내세요",
    "{name} has dtype {dtype}; keep float32 like the data (wrong dtype)":
        "{name}의 dtype이 {dtype}입니다. 데이터처럼 float32로 두세요 (dtype 오류)",
    # notebook 01
    "the training loop": "학습 루프",
    "gradients by hand": "손으로 구하는 기울기",
    "the nn.Module class": "nn.Module 클래스",
    "create W and b, the optimizer, and write the loop": "W와 b, 옵티마이저를 만들고 반복문을 작성하세요",
    "{name} must be a tensor, got {kind} — create it with torch.rand(1, ...)":
        "{name}은(는) 텐서여야 하는데 {kind}입니다 — torch.rand(1, ...)로 만드세요",
    "{name} has shape {shape}; the lecture's {name} is torch.rand(1): shape (1,)":
        "{name}의 shape이 {shape}입니다. 강의의 {name}은(는) torch.rand(1)로, shape이 (1,)입니다",
    "{name} has dtype {dtype} (wrong dtype): keep float32 like X and y":
        "{name}의 dtype이 {dtype}입니다 (dtype 오류). X, y처럼 float32로 두세요",
    "{name} was replaced by a new tensor ({name} = {name} - ...): let optimizer.step() update it in place":
        "{name}이(가) 새 텐서로 바뀌었습니다 ({name} = {name} - ...). optimizer.step()이 그 자리에서 갱신하게 하세요",
    "{name} has no requires_grad, so autograd cannot compute {name}.grad — create it with requires_grad=True":
        "{name}에 requires_grad가 없어서 autograd가 {name}.grad를 계산할 수 없습니다 — requires_grad=True로 만드세요",
    "W and b never changed and W.grad is empty: the loop must call cost.backward() and optimizer.step()":
        "W와 b가 전혀 바뀌지 않았고 W.grad도 비어 있습니다. 반복문에서 cost.backward()와 optimizer.step()을 "
        "호출해야 합니다",
    "W and b never changed and W.grad is 0: zero_grad() ran between backward() and step() — call it before "
    "backward()":
        "W와 b가 바뀌지 않았고 W.grad가 0입니다. zero_grad()가 backward()와 step() 사이에서 실행되었습니다 — "
        "backward() 전에 호출하세요",
    "the loop never updates the weights: call optimizer.step() after cost.backward()":
        "반복문이 가중치를 전혀 갱신하지 않습니다. cost.backward() 다음에 optimizer.step()을 호출하세요",
    "W or b turned NaN or inf: the loss blew up — check lr (the lecture's 0.01)":
        "W나 b가 NaN 또는 inf가 되었습니다. 손실이 발산했습니다 — 학습률을 확인하세요 (강의에서는 0.01)",
    "the gradients accumulate: backward() adds to .grad, so call optimizer.zero_grad() before cost.backward() in "
    "every epoch":
        "기울기가 누적됩니다. backward()는 .grad에 더하므로 매 에폭 cost.backward() 전에 optimizer.zero_grad()를 "
        "호출하세요",
    "the cost is a sum over the samples, not the mean: use torch.mean (or loss_fn)":
        "cost가 샘플들의 평균이 아니라 합입니다. torch.mean(또는 loss_fn)을 쓰세요",
    "W = {w:.3f}, b = {b:.3f} after {epochs} epochs, as the lecture's loop gives (still far from W = 1, b = 0)":
        "{epochs} 에폭 후 W = {w:.3f}, b = {b:.3f}로 강의의 루프와 같습니다 (아직 W = 1, b = 0과는 멉니다)",
    "W = {w:.3f}, b = {b:.3f} after the loop, but {epochs} epochs of forward -> cost -> zero_grad -> backward -> "
    "step with lr = {lr} from the same start give W = {w_ref:.3f}, b = {b_ref:.3f}":
        "루프 후 W = {w:.3f}, b = {b:.3f}인데, 같은 시작점에서 학습률 {lr}로 순전파 -> cost -> zero_grad -> "
        "backward -> step을 {epochs} 에폭 하면 W = {w_ref:.3f}, b = {b_ref:.3f}입니다",
    "write dW and db with the chain rule": "연쇄 법칙으로 dW와 db를 작성하세요",
    "dW = {dW:.5f}, db = {db:.5f}, equal to autograd's W.grad and b.grad":
        "dW = {dW:.5f}, db = {db:.5f}로 autograd의 W.grad, b.grad와 같습니다",
    "the factor 2/n is missing: the 2 comes from the square, the 1/n from the mean":
        "2/n이 빠졌습니다. 2는 제곱에서, 1/n은 평균에서 나옵니다",
    "the factor 2 is missing: the derivative of (y_hat - y)^2 is 2 (y_hat - y)":
        "2가 빠졌습니다. (y_hat - y)^2의 미분은 2 (y_hat - y)입니다",
    "a sum instead of the mean: the loss averages over the n samples, so divide by n":
        "평균 대신 합을 구했습니다. 손실은 n개 샘플의 평균이므로 n으로 나누세요",
    "the sign is flipped: the error is (y_hat - y), not (y - y_hat)":
        "부호가 반대입니다. 오차는 (y - y_hat)이 아니라 (y_hat - y)입니다",
    "shapes (n,) and (n, 1) were mixed: y_hat - y.view(-1) broadcasts to an (n, n) table; keep both (n, 1)":
        "shape (n,)과 (n, 1)이 섞였습니다. y_hat - y.view(-1)은 (n, n) 표로 브로드캐스트됩니다. 둘 다 (n, 1)로 두세요",
    "dW and db are swapped": "dW와 db가 바뀌었습니다",
    "{name} = {value:.5f} is not the gradient of the mean squared error here; apply the chain rule to "
    "(1/n) * sum((W x + b - y)^2)":
        "{name} = {value:.5f}은(는) 여기서 평균 제곱 오차의 기울기가 아닙니다. (1/n) * sum((W x + b - y)^2)에 "
        "연쇄 법칙을 적용하세요",
    "until it is, the cells below use a working stand-in": "완성될 때까지 아래 셀들은 대신 동작하는 클래스를 씁니다",
    "LinearRegression must be a class that subclasses nn.Module":
        "LinearRegression은 nn.Module을 상속하는 클래스여야 합니다",
    "keep the layer as self.linear = nn.Linear(...): the rest of the notebook reads model.linear.weight":
        "층은 self.linear = nn.Linear(...)로 두세요. 노트북의 나머지 부분이 model.linear.weight를 읽습니다",
    "LinearRegression({x_in}, {x_out}) made nn.Linear({a}, {b}): pass x_in, then x_out":
        "LinearRegression({x_in}, {x_out})이 nn.Linear({a}, {b})를 만들었습니다. x_in, x_out 순서로 넘기세요",
    "the model has {count} parameter tensors; it should have exactly the layer's weight and bias":
        "모델의 파라미터 텐서가 {count}개입니다. 층의 가중치와 편향, 정확히 두 개여야 합니다",
    "forward still returns ...": "forward가 아직 ...를 반환합니다",
    "forward on a batch of shape (5, {x_in}) returned {shape}; it should return self.linear(x), of shape "
    "(5, {x_out})":
        "shape (5, {x_in})인 배치에 대해 forward가 {shape}을(를) 반환했습니다. shape (5, {x_out})인 "
        "self.linear(x)를 반환해야 합니다",
    "forward should return self.linear(x) unchanged (no activation in linear regression)":
        "forward는 self.linear(x)를 그대로 반환해야 합니다 (선형 회귀에는 활성화 함수가 없습니다)",
    "LinearRegression(1, 1) holds nn.Linear(1, 1) and returns its output":
        "LinearRegression(1, 1)이 nn.Linear(1, 1)을 가지고 그 출력을 반환합니다",
    # notebook 02
    "the sigmoid and its derivative": "시그모이드와 그 도함수",
    "binary cross-entropy by hand": "손으로 쓰는 이진 교차 엔트로피",
    "training on logits": "로짓으로 학습하기",
    "{name} returns {value}": "{name}이(가) {value}을(를) 반환합니다",
    "{name} must return a tensor, got {kind}": "{name}은(는) 텐서를 반환해야 하는데 {kind}입니다",
    "{name} returned dtype {dtype} (wrong dtype): keep float32":
        "{name}이(가) dtype {dtype}을(를) 반환했습니다 (dtype 오류). float32로 두세요",
    "{name} returned shape {got} for an input of shape {shape}: work element by element, keeping the shape":
        "{name}이(가) shape {shape}인 입력에 대해 shape {got}을(를) 반환했습니다. shape을 유지한 채 원소별로 "
        "계산하세요",
    "the sign in the exponent: sigma(z) = 1 / (1 + e^(-z)); with e^(+z) the curve is mirrored":
        "지수의 부호가 틀렸습니다. sigma(z) = 1 / (1 + e^(-z))이며, e^(+z)로 쓰면 곡선이 좌우로 뒤집힙니다",
    "that is tanh(z); the sigmoid is 1 / (1 + e^(-z)), between 0 and 1":
        "그것은 tanh(z)입니다. 시그모이드는 0과 1 사이의 값인 1 / (1 + e^(-z))입니다",
    "that is e^(-z) / (1 + e^(-z)) = 1 - sigma(z); the numerator is 1":
        "그것은 e^(-z) / (1 + e^(-z)) = 1 - sigma(z)입니다. 분자는 1입니다",
    "that is 1 + e^(-z); the sigmoid is its reciprocal, 1 / (1 + e^(-z))":
        "그것은 1 + e^(-z)입니다. 시그모이드는 그 역수인 1 / (1 + e^(-z))입니다",
    "sigmoid(0) = {s0:.4f} and sigmoid(2) = {s2:.4f}, but they should be 0.5000 and {t2:.4f}: "
    "sigma(z) = 1 / (1 + e^(-z))":
        "sigmoid(0) = {s0:.4f}, sigmoid(2) = {s2:.4f}인데 각각 0.5000, {t2:.4f}이어야 합니다: "
        "sigma(z) = 1 / (1 + e^(-z))",
    "sigmoid is right; now write sigmoid_derivative": "sigmoid는 맞습니다. 이제 sigmoid_derivative를 작성하세요",
    "apply the formula to sigma(z), not to z itself": "공식은 z 자체가 아니라 sigma(z)에 적용하세요",
    "a sign: sigma'(z) = sigma(z) * (1 - sigma(z)), not sigma(z) * (1 + sigma(z))":
        "부호가 틀렸습니다. sigma'(z)는 sigma(z) * (1 + sigma(z))가 아니라 sigma(z) * (1 - sigma(z))입니다",
    "that is tanh's derivative, 1 - tanh(z)^2; the sigmoid's is sigma(z) * (1 - sigma(z))":
        "그것은 tanh의 도함수 1 - tanh(z)^2입니다. 시그모이드의 도함수는 sigma(z) * (1 - sigma(z))입니다",
    "that is 1 - sigma(z)^2; the sigmoid's derivative is sigma(z) * (1 - sigma(z))":
        "그것은 1 - sigma(z)^2입니다. 시그모이드의 도함수는 sigma(z) * (1 - sigma(z))입니다",
    "that is the sigmoid itself; its derivative is sigma(z) * (1 - sigma(z))":
        "그것은 시그모이드 자체입니다. 도함수는 sigma(z) * (1 - sigma(z))입니다",
    "sigmoid_derivative(0) = {d0:.4f}; it should be 0.2500, the largest slope of the sigmoid":
        "sigmoid_derivative(0) = {d0:.4f}입니다. 시그모이드의 가장 큰 기울기인 0.2500이어야 합니다",
    "sigma(0) = 0.5 and sigma'(0) = 0.25, equal to torch.sigmoid and autograd everywhere on [-6, 6]":
        "sigma(0) = 0.5, sigma'(0) = 0.25로, [-6, 6] 전체에서 torch.sigmoid 및 autograd와 같습니다",
    "the result has shape (4, 4): y of shape (4,) against y_hat of shape (4, 1) broadcasts to a table — keep both "
    "(4, 1)":
        "결과의 shape이 (4, 4)입니다. shape (4,)인 y와 shape (4, 1)인 y_hat이 표로 브로드캐스트됩니다 — 둘 다 "
        "(4, 1)로 두세요",
    "the result has shape {shape}: average the per-sample losses to one number with .mean()":
        "결과의 shape이 {shape}입니다. 샘플별 손실을 .mean()으로 평균 내어 숫자 하나로 만드세요",
    "{value:.4f}, equal to nn.BCELoss()": "{value:.4f}로 nn.BCELoss()와 같습니다",
    "a sum instead of the mean: divide by the number of samples (use .mean())":
        "평균 대신 합을 구했습니다. 샘플 수로 나누세요 (.mean()을 쓰세요)",
    "the minus sign is missing: log of a probability is negative, the loss must be positive":
        "마이너스 부호가 빠졌습니다. 확률의 로그는 음수이고, 손실은 양수여야 합니다",
    "shapes (4,) and (4, 1) were mixed and broadcast to a (4, 4) table: keep y and y_hat both (4, 1)":
        "shape (4,)와 (4, 1)이 섞여 (4, 4) 표로 브로드캐스트되었습니다. y와 y_hat을 모두 (4, 1)로 두세요",
    "only the y log(y_hat) term is there; add (1 - y) log(1 - y_hat) for the samples whose target is 0":
        "y log(y_hat) 항만 있습니다. 정답이 0인 샘플을 위해 (1 - y) log(1 - y_hat)을 더하세요",
    "only the (1 - y) log(1 - y_hat) term is there; add y log(y_hat) for the samples whose target is 1":
        "(1 - y) log(1 - y_hat) 항만 있습니다. 정답이 1인 샘플을 위해 y log(y_hat)을 더하세요",
    "the loss is inf or NaN: take the logs of y_hat and 1 - y_hat (predictions), not of y (targets)":
        "손실이 inf 또는 NaN입니다. 로그는 정답 y가 아니라 예측 y_hat과 1 - y_hat에 취하세요",
    "bce gives {value:.4f} but nn.BCELoss gives {true:.4f} on the same predictions: -(y log y_hat + (1 - y) "
    "log(1 - y_hat)), averaged":
        "같은 예측에 대해 bce는 {value:.4f}, nn.BCELoss는 {true:.4f}입니다: -(y log y_hat + (1 - y) "
        "log(1 - y_hat))의 평균입니다",
    "the model class must keep its layer as self.linear (notebook 02's LogisticRegression)":
        "모델 클래스는 층을 self.linear로 가지고 있어야 합니다 (노트북 02의 LogisticRegression)",
    "the weights turned NaN or inf: the loss blew up": "가중치가 NaN 또는 inf가 되었습니다. 손실이 발산했습니다",
    "the loop never updates the model's weights: optimizer.zero_grad(), cost.backward(), optimizer.step() on the "
    "model you are given":
        "반복문이 모델의 가중치를 전혀 갱신하지 않습니다. 주어진 모델에 대해 optimizer.zero_grad(), "
        "cost.backward(), optimizer.step()을 하세요",
    "{epochs} epochs of BCEWithLogitsLoss on the logits move the weights as expected":
        "로짓에 BCEWithLogitsLoss를 쓴 {epochs} 에폭의 학습이 가중치를 예상대로 움직입니다",
    "a sigmoid is applied before BCEWithLogitsLoss, which applies its own: pass the logits model.linear(X), not "
    "probabilities":
        "BCEWithLogitsLoss 앞에 시그모이드를 적용했습니다. 이 손실 함수는 시그모이드를 스스로 적용하므로 확률이 "
        "아니라 로짓 model.linear(X)를 넘기세요",
    "the gradients accumulate: call optimizer.zero_grad() before cost.backward() in every epoch":
        "기울기가 누적됩니다. 매 에폭 cost.backward() 전에 optimizer.zero_grad()를 호출하세요",
    "after {epochs} epochs at lr = {lr} the weights are {now}, but forward on the logits -> BCEWithLogitsLoss -> "
    "zero_grad -> backward -> step gives {right}":
        "학습률 {lr}로 {epochs} 에폭 후 가중치가 {now}인데, 로짓 순전파 -> BCEWithLogitsLoss -> zero_grad -> "
        "backward -> step으로는 {right}입니다",
    # notebook 03
    "the MultiLayerPerceptron class": "MultiLayerPerceptron 클래스",
    "the forward pass by hand": "손으로 하는 순전파",
    "a configuration that works on 99 % of seeds": "시드의 99 %에서 성공하는 설정",
    "MultiLayerPerceptron must be a class that subclasses nn.Module":
        "MultiLayerPerceptron은 nn.Module을 상속하는 클래스여야 합니다",
    "keep the layers as self.linear1 and self.linear2 (nn.Linear): the reliability study loads weights under these "
    "names":
        "층은 self.linear1과 self.linear2(nn.Linear)로 두세요. 신뢰도 실험이 이 이름으로 가중치를 불러옵니다",
    "MultiLayerPerceptron({hidden}, ...) has linear1 {a}->{b} and linear2 {c}->{d}; a 2-{hidden}-1 network needs "
    "2->{hidden} and {hidden}->1":
        "MultiLayerPerceptron({hidden}, ...)의 linear1이 {a}->{b}, linear2가 {c}->{d}입니다. 2-{hidden}-1 "
        "신경망에는 2->{hidden}과 {hidden}->1이 필요합니다",
    "forward on 5 inputs of shape (5, 2) returned {shape}; it should return (5, 1)":
        "shape (5, 2)인 입력 5개에 대해 forward가 {shape}을(를) 반환했습니다. (5, 1)을 반환해야 합니다",
    "the output has no sigmoid: apply it to z2 so that y_hat is a probability for BCELoss":
        "출력에 시그모이드가 없습니다. y_hat이 BCELoss에 넣을 확률이 되도록 z2에 시그모이드를 적용하세요",
    "the hidden layer has no activation: two linear layers in a row are still one straight line":
        "은닉층에 활성화 함수가 없습니다. 선형 층 두 개를 이어 붙여도 여전히 직선 하나입니다",
    "the hidden layer ignores the activation argument (asked for {activation}, got sigmoid)":
        "은닉층이 activation 인자를 무시합니다 ({activation}을(를) 요청했는데 sigmoid가 쓰였습니다)",
    "the output uses the hidden activation ({activation}); keep a sigmoid on the output":
        "출력층이 은닉층의 활성화 함수({activation})를 씁니다. 출력에는 시그모이드를 두세요",
    "MultiLayerPerceptron({hidden}, '{activation}') does not compute sigmoid(linear2({activation}(linear1(x))))":
        "MultiLayerPerceptron({hidden}, '{activation}')이 sigmoid(linear2({activation}(linear1(x))))를 계산하지 "
        "않습니다",
    "2-H-1 layers, hidden activation from the argument, sigmoid on the output":
        "2-H-1 층 구조, 인자로 받은 은닉층 활성화 함수, 출력의 시그모이드가 모두 맞습니다",
    "compute z1, h and z2 from the weight matrices": "가중치 행렬로 z1, h, z2를 계산하세요",
    "{name} must be a tensor, got {kind}": "{name}은(는) 텐서여야 하는데 {kind}입니다",
    "{name} has dtype {dtype} (wrong dtype): keep float32 like X and the weights":
        "{name}의 dtype이 {dtype}입니다 (dtype 오류). X와 가중치처럼 float32로 두세요",
    "{name} has shape {got} but must be {want} (one row per input): w2 has shape (1, H), so multiply by its "
    "transpose":
        "{name}의 shape이 {got}인데 {want}이어야 합니다 (입력 하나에 한 행). w2의 shape이 (1, H)이므로 전치 "
        "행렬을 곱하세요",
    "{name} has shape {got} but must be {want}: one row per input, one column per unit":
        "{name}의 shape이 {got}인데 {want}이어야 합니다. 입력 하나에 한 행, 유닛 하나에 한 열입니다",
    "the bias b1 is missing: every hidden unit adds its bias to its weighted sum":
        "편향 b1이 빠졌습니다. 은닉 유닛마다 가중합에 자기 편향을 더합니다",
    "W1 has shape (H, 2): multiply the inputs by its transpose": "W1의 shape은 (H, 2)입니다. 입력에 그 전치 행렬을 곱하세요",
    "h is the hidden code: apply the hidden activation to z1": "h는 은닉 표현입니다. z1에 은닉층의 활성화 함수를 적용하세요",
    "z2 is the output unit's logit, before the output sigmoid": "z2는 출력 시그모이드를 거치기 전, 출력 유닛의 로짓입니다",
    "the bias b2 is missing: the output unit adds its bias too": "편향 b2가 빠졌습니다. 출력 유닛도 편향을 더합니다",
    "z2 must be computed from the hidden code h, not from z1": "z2는 z1이 아니라 은닉 표현 h로 계산해야 합니다",
    "{name} differs from the network's own {name} (largest gap {gap:.2g})":
        "{name}이(가) 신경망이 계산한 {name}과(와) 다릅니다 (최대 차이 {gap:.2g})",
    "z2 = w·h + b = [{values}], the output unit's logit for each input":
        "z2 = w·h + b = [{values}], 각 입력에 대한 출력 유닛의 로짓입니다",
    "choose my_hidden, my_optimizer and my_lr": "my_hidden, my_optimizer, my_lr을 고르세요",
    "my_hidden must be a whole number of hidden units from 1 to 64, got {value}":
        "my_hidden은 1부터 64까지의 은닉 유닛 수(정수)여야 하는데 {value}입니다",
    "my_optimizer must be 'sgd' or 'adam', got {value}": "my_optimizer는 'sgd' 또는 'adam'이어야 하는데 {value}입니다",
    "my_lr must be a learning rate between 0 and 100, got {value}":
        "my_lr은 0과 100 사이의 학습률이어야 하는데 {value}입니다",
    "{rate:.1f} % of {models} seeds classify XOR correctly after {epochs} epochs (hidden {hidden}, {optimizer}, "
    "lr {lr:g})":
        "{epochs} 에폭 후 시드 {models}개 중 {rate:.1f} %가 XOR을 올바르게 분류합니다 (은닉 유닛 {hidden}, "
        "{optimizer}, 학습률 {lr:g})",
    "{text}; {count} diverged — lower the learning rate": "{text}; {count}개가 발산했습니다 — 학습률을 낮추세요",
    "{text}, needs at least {need:.0f} % — the grid above shows which hidden sizes and optimizers are reliable; "
    "more hidden units make saturation rarer":
        "{text}, 최소 {need:.0f} %가 필요합니다 — 위의 격자 실험에서 어떤 은닉층 크기와 옵티마이저가 믿을 만한지 "
        "보세요. 은닉 유닛이 많을수록 포화가 드물어집니다",
}
